import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Persistence

/// Guards every `/v1/*` route when `ADMIN_API_KEY` is set: the request must carry a valid,
/// unrevoked client key (or the admin key) in `Authorization: Bearer KEY` or `X-API-Key: KEY`.
/// Without `ADMIN_API_KEY` the service is open and this middleware lets everything through.
struct APIKeyAuthenticator: RouterMiddleware {
    typealias Context = ChatRequestContext

    /// `nil` when keys are off.
    let adminKeyHash: String?
    let keys: APIKeyStore
    let cache: APIKeyCache

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
        if APIKeyHash.constantTimeEqual(presentedHash, adminKeyHash) {
            context.client = AuthenticatedClient(keyId: AuthenticatedClient.adminKeyId, name: "admin", isAdmin: true)
        } else {
            let record = try await lookup(keyHash: presentedHash, logger: context.logger)
            guard let record, !record.isRevoked, APIKeyHash.constantTimeEqual(record.keyHash, presentedHash) else {
                throw APIError(
                    status: .unauthorized, code: "invalid_api_key", message: "the API key is invalid or revoked")
            }
            context.client = AuthenticatedClient(keyId: record.id, name: record.name, isAdmin: false)
        }
        context.logger[metadataKey: "api_key_id"] = .string(context.client?.keyId ?? "")
        return try await next(request, context)
    }

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
