import Foundation
import Hummingbird
import Logging
import Persistence

extension AdminKeysController {
    /// `PATCH /admin/keys/{id}` body: `{"limits": {...}}`; `{"limits": {}}` or `null` removes them.
    struct LimitsPatch: Decodable {
        var limits: KeyLimitsBody?
    }

    struct Patched: Encodable {
        var id: String
        var limits: KeyLimitsBody
    }

    /// What a limited key used in its current window (`GET /admin/keys`).
    struct WindowUse: Encodable {
        var windowStart: String
        var windowEnd: String
        var requests: Int
        var tokens: Int
    }

    /// Replaces a key's limits. Takes effect at once on this replica and within the key cache's
    /// lifetime (5 s) on the others.
    @Sendable func patchLimits(request: Request, context: ChatRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let patch: LimitsPatch = try await request.decodedBody(
            limit: maxBodyBytes,
            refusal: "body must be a JSON object like {\"limits\": {\"requestsPerMinute\": 100, \"budgetPerDay\": 5}}")
        let limits = try patch.limits?.validated() ?? KeyLimits()
        let updated: Bool
        do {
            updated = try await keys.updateLimits(id: id, limits: limits)
        } catch {
            throw APIError.storageUnavailable("the key's limits could not be stored", error)
        }
        guard updated else { throw APIError(status: .notFound, code: "not_found", message: "no API key has id \(id)") }
        cache.forget(keyId: id)
        context.logger.notice("API key limits changed", metadata: ["api_key_id": "\(id)"])
        return try JSONResponse.make(.ok, Patched(id: id, limits: KeyLimitsBody(limits)))
    }

    /// The current window's use of each key with per-minute limits, by key id.
    func windowUses(of records: [APIKeyRecord]) async throws -> [String: WindowUse] {
        guard let limiter else { return [:] }
        var uses: [String: WindowUse] = [:]
        for record in records where !record.isRevoked && record.limits.hasMinuteLimits {
            do {
                guard let (window, use) = try await limiter.currentUse(of: record) else { continue }
                uses[record.id] = WindowUse(
                    windowStart: ISO8601Timestamp.string(from: window.start),
                    windowEnd: ISO8601Timestamp.string(from: window.end), requests: use.requests, tokens: use.tokens)
            } catch {
                throw APIError.storageUnavailable("the keys' window use could not be read", error)
            }
        }
        return uses
    }
}
