/// Who is calling, once `APIKeyAuthenticator` accepted the request's key.
struct AuthenticatedClient: Sendable, Equatable {
    /// The `api_keys` id (stored in each interaction as `apiKeyId`), or `admin` for the admin key.
    var keyId: String
    /// The key's name, the default `userId` of OpenAI-style calls that send no `user`.
    var name: String
    /// The admin key: sees every client's usage.
    var isAdmin: Bool

    static let adminKeyId = "admin"
}
