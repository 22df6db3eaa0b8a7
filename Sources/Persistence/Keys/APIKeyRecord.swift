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
    /// The `users` id of the account that owns the key (a key from `/register` or `/login`).
    public var owner: String?
    /// Rate limits and budgets (SPEC §10); empty when the key may spend without bound.
    public var limits: KeyLimits

    public init(
        id: String, name: String, email: String?, keyHash: String, keyPrefix: String, createdAt: Date,
        revokedAt: Date? = nil, owner: String? = nil, limits: KeyLimits = KeyLimits()
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.keyHash = keyHash
        self.keyPrefix = keyPrefix
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.owner = owner
        self.limits = limits
    }

    public var isRevoked: Bool { revokedAt != nil }
}
