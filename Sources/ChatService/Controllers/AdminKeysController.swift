import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOFoundationCompat
import Persistence

/// `/admin/keys`: create (the key is shown once and stored only as SHA-256), list and revoke
/// client API keys, and set their limits (`PATCH`, in `AdminKeysController+Limits.swift`).
/// Registered only when `ADMIN_API_KEY` is set.
struct AdminKeysController: Sendable {
    let keys: APIKeyStore
    let cache: APIKeyCache
    let maxBodyBytes: Int
    /// Reads each limited key's current window for the listing.
    var limiter: KeyLimiter? = nil

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("keys", use: create)
        group.post("create_key", use: createFromQuery)
        group.get("keys", use: list)
        group.delete("keys/{id}", use: revoke)
        group.patch("keys/{id}", use: patchLimits)
    }

    struct CreateRequest: Decodable {
        var name: String?
        var email: String?
        var limits: KeyLimitsBody?
    }

    struct Created: Encodable {
        var id: String
        var key: String
        var name: String
        var email: String?
        var createdAt: String
        var limits: KeyLimitsBody
    }

    struct Listed: Encodable {
        var id: String
        var name: String
        var email: String?
        var keyPrefix: String
        var createdAt: String
        var revokedAt: String?
        var revoked: Bool
        var owner: String?
        var limits: KeyLimitsBody
        /// The current per-minute window's requests and tokens, for keys with per-minute limits.
        var window: WindowUse?
    }

    struct Revoked: Encodable {
        var id: String
        var revoked: Bool
    }

    @Sendable func create(request: Request, context: ChatRequestContext) async throws -> Response {
        let input: CreateRequest = try await request.decodedBody(
            limit: maxBodyBytes, refusal: "body must be a JSON object like {\"name\": \"billing-backend\"}")
        guard let name = input.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty, name.count <= 200
        else { throw APIError.invalidRequest("name is required (1 to 200 characters)") }
        let limits = try input.limits?.validated() ?? KeyLimits()
        let (record, key) = try await storeNewKey(name: name, email: input.email, limits: limits, context: context)
        return try JSONResponse.make(
            .created,
            Created(
                id: record.id, key: key, name: name, email: record.email,
                createdAt: ISO8601Timestamp.string(from: record.createdAt), limits: KeyLimitsBody(limits)))
    }

    @Sendable func list(request: Request, context: ChatRequestContext) async throws -> Response {
        let records: [APIKeyRecord]
        do {
            records = try await keys.list()
        } catch {
            throw APIError.storageUnavailable("keys could not be read", error)
        }
        let uses = try await windowUses(of: records)
        let listed = records.map {
            Listed(
                id: $0.id, name: $0.name, email: $0.email, keyPrefix: $0.keyPrefix,
                createdAt: ISO8601Timestamp.string(from: $0.createdAt),
                revokedAt: $0.revokedAt.map(ISO8601Timestamp.string(from:)), revoked: $0.isRevoked, owner: $0.owner,
                limits: KeyLimitsBody($0.limits), window: uses[$0.id])
        }
        return try JSONResponse.make(.ok, ["keys": listed])
    }

    @Sendable func revoke(request: Request, context: ChatRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let revoked: Bool
        do {
            revoked = try await keys.revoke(id: id)
        } catch {
            throw APIError.storageUnavailable("the key could not be revoked", error)
        }
        guard revoked else { throw APIError(status: .notFound, code: "not_found", message: "no API key has id \(id)") }
        cache.forget(keyId: id)
        context.logger.notice("API key revoked", metadata: ["api_key_id": "\(id)"])
        return try JSONResponse.make(.ok, Revoked(id: id, revoked: true))
    }
}
