import Foundation

/// One account of seed 000's flows (SPEC §8) as stored in `users`: a unique username and the
/// bcrypt hash of its password, never the password itself.
public struct UserRecord: Sendable, Equatable {
    public var id: String
    /// 3 to 64 of `[A-Za-z0-9_.-]`, unique (unique index on `users.username`).
    public var username: String
    /// The bcrypt hash (`$2b$…`), which embeds its salt and cost.
    public var passwordHash: String
    public var createdAt: Date

    public init(id: String, username: String, passwordHash: String, createdAt: Date) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.createdAt = createdAt
    }
}
