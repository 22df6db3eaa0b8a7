import Foundation
import Hummingbird
import Logging
import Persistence

/// `POST /admin/create_key?name=&email=` (SPEC §7): seed 001's way to make a client key, kept so
/// its operators' scripts work unchanged. The same key store as `POST /admin/keys`; the answer is
/// seed 001's `{"message", "api_key", "owner"}` (the owner is the email) with status 200.
extension AdminKeysController {
    /// Seed 001's answer, field names as that API spelled them.
    struct SeedKeyCreated: Encodable {
        var message: String
        var apiKey: String
        var owner: String

        enum CodingKeys: String, CodingKey {
            case message
            case apiKey = "api_key"
            case owner
        }
    }

    @Sendable func createFromQuery(request: Request, context: ChatRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        guard let name = parameters["name"].map({ String($0).trimmingCharacters(in: .whitespacesAndNewlines) }),
            !name.isEmpty, name.count <= 200
        else { throw APIError.invalidRequest("the name query parameter is required (1 to 200 characters)") }
        guard let email = parameters["email"].map({ String($0).trimmingCharacters(in: .whitespacesAndNewlines) }),
            !email.isEmpty
        else {
            throw APIError.invalidRequest(
                "the email query parameter is required: it names the key's owner, e.g. ?name=billing&email=ops@example.com"
            )
        }
        guard Self.looksLikeEmail(email) else {
            throw APIError.invalidRequest("the email query parameter must be an address like ops@example.com")
        }
        let (_, key) = try await storeNewKey(name: name, email: email, context: context)
        return try JSONResponse.make(.ok, SeedKeyCreated(message: "API key created", apiKey: key, owner: email))
    }

    /// Makes a key, stores its record (SHA-256 only) and returns both; the key is shown only once.
    func storeNewKey(
        name: String, email: String?, limits: KeyLimits = KeyLimits(), context: ChatRequestContext
    ) async throws -> (record: APIKeyRecord, key: String) {
        let key = APIKeyHash.generateKey()
        let record = APIKeyRecord(
            id: InteractionID.generate(), name: name, email: email, keyHash: APIKeyHash.hex(of: key),
            keyPrefix: String(key.prefix(10)), createdAt: Date(), limits: limits)
        do {
            try await keys.createIndexes()  // idempotent; admin writes are rare
            try await keys.insert(record)
        } catch {
            throw APIError.storageUnavailable("the key could not be stored", error)
        }
        context.logger.notice("API key created", metadata: ["api_key_id": "\(record.id)", "name": "\(name)"])
        return (record, key)
    }

    /// One `@` with something on each side, no spaces, at most 254 characters (RFC 5321's path limit).
    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return text.count <= 254 && parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.contains(where: \.isWhitespace)
    }
}
