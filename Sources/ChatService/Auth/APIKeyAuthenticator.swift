import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Persistence

/// Guards the client routes (`/v1/*`, `/api/*`, `/user/*`) when `ADMIN_API_KEY` is set: the request
/// must carry a valid, unrevoked client key in `Authorization: Bearer KEY` or `X-API-Key: KEY`.
/// The admin key opens admin routes only (SPEC §3.3, as seed 001's master key): a client route
/// answers 401 to it, except where `admitsAdminKey` is set (`GET /v1/usage`, where the admin key
/// sees every client's traffic). Without `ADMIN_API_KEY` the service is open and this middleware
/// lets everything through.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = ChatRequestContext

    /// `nil` when keys are off.
    let adminKeyHash: String?
    let keys: APIKeyStore
    let cache: APIKeyCache
    /// Enforces the client key's limits (SPEC §10) on every route this guards; nil in tests without limits.
    var limiter: KeyLimiter? = nil
    /// Whether the admin key is accepted here too (only `GET /v1/usage`).
    var admitsAdminKey = false

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let adminKeyHash else { return try await next(request, context) }
        guard let presented = Self.presentedKey(request.headers) else {
            throw APIError(
                status: .unauthorized, code: "missing_api_key",
                message: "an API key is required: send Authorization: Bearer KEY or X-API-Key: KEY")
        }
        let presentedHash = APIKeyHash.hex(of: presented)
        var context = context
        var clientKey: APIKeyRecord?
        if APIKeyHash.constantTimeEqual(presentedHash, adminKeyHash) {
            guard admitsAdminKey else { throw Self.adminKeyRefused }
            context.client = AuthenticatedClient(keyId: AuthenticatedClient.adminKeyId, name: "admin", isAdmin: true)
        } else {
            let record = try await lookup(keyHash: presentedHash, logger: context.logger)
            guard let record, !record.isRevoked, APIKeyHash.constantTimeEqual(record.keyHash, presentedHash) else {
                throw APIError(
                    status: .unauthorized, code: "invalid_api_key", message: "the API key is invalid or revoked")
            }
            context.client = AuthenticatedClient(keyId: record.id, name: record.name, isAdmin: false)
            clientKey = record
        }
        context.logger[metadataKey: "api_key_id"] = .string(context.client?.keyId ?? "")
        guard let limiter, let clientKey else { return try await next(request, context) }
        // Over a limit: 429 here, before any route (and so any provider) runs.
        let admission = try await limiter.admit(
            clientKey, reservingTokens: request.method == .post, logger: context.logger)
        return try await LimitAdmission.scope(admission) { try await next(request, context) }
    }

    /// The same authenticator, also accepting the admin key (for `GET /v1/usage`).
    func admittingAdminKey() -> APIKeyAuthenticator {
        var authenticator = self
        authenticator.admitsAdminKey = true
        return authenticator
    }

    static let adminKeyRefused = APIError(
        status: .unauthorized, code: "admin_key_not_accepted",
        message: "the admin key opens admin routes only: send a client key (create one with POST /admin/keys)")

    private func lookup(keyHash: String, logger: Logger) async throws -> APIKeyRecord? {
        if case .hit(let record) = cache.lookup(keyHash: keyHash) { return record }
        do {
            let record = try await keys.find(keyHash: keyHash)
            cache.store(keyHash: keyHash, record: record)
            return record
        } catch {
            logger.error("could not check an API key", metadata: ["error": "\(error)"])
            throw APIError(
                status: .serviceUnavailable, code: "auth_unavailable",
                message: "API keys cannot be checked right now (MongoDB: \(error.message)); retry later",
                retryAfter: .seconds(2))
        }
    }

    /// The key from `Authorization: Bearer KEY` or `X-API-Key: KEY`.
    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let key = parts[1].trimmingCharacters(in: .whitespaces)
                if !key.isEmpty { return key }
            }
        }
        if let key = headers[apiKeyHeader]?.trimmingCharacters(in: .whitespaces), !key.isEmpty { return key }
        return nil
    }
}
