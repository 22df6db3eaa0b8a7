/// Who is calling, once `APIKeyAuthenticator` accepted the request's key.
public struct AuthenticatedClient: Sendable, Equatable {
    /// The `api_keys` id (stored in each interaction as `apiKeyId`), or `admin` for the admin key.
    public var keyId: String
    /// The key's name, the default `userId` of OpenAI-style calls that send no `user`.
    public var name: String
    /// The admin key: sees every client's usage.
    public var isAdmin: Bool

    public static let adminKeyId = "admin"
}
