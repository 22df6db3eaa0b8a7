import Foundation

/// One client API key as stored in `api_keys`: never the key itself, only its SHA-256, so a
/// database dump cannot be replayed against the service.
public struct APIKeyRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    /// Lowercase hex SHA-256 of the key (unique index).
    public var keyHash: String
    /// The key's first characters, so an operator can tell keys apart in a listing.
    public var keyPrefix: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(
        id: String, name: String, email: String?, keyHash: String, keyPrefix: String, createdAt: Date,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.keyHash = keyHash
        self.keyPrefix = keyPrefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var isRevoked: Bool { revokedAt != nil }
}
