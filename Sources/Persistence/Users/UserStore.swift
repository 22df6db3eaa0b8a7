import Foundation
import MongoDriver

/// The `users` collection: register an account (a duplicate username fails on the unique index,
/// so two replicas cannot both accept the same name) and find one by username at login.
public final class UserStore: MongoCollectionStore {
    public static let collectionName = "users"

    let database: MongoDatabase

    public init(database: MongoDatabase) {
        self.database = database
    }

    /// Creates the unique index on `username` (idempotent).
    public func createIndexes() async throws(PersistenceError) {
        try await createIndex(#"{"key": {"username": 1}, "name": "username_1", "unique": true}"#)
    }

    /// Stores a new account; throws `PersistenceError` with `isDuplicateKey` when the username is taken.
    public func insert(_ record: UserRecord) async throws(PersistenceError) {
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            let document = BSONDocument()
            document.append("_id", string: record.id)
            document.append("username", string: record.username)
            document.append("passwordHash", string: record.passwordHash)
            document.append("createdAt", date: record.createdAt)
            try collection.insertOne(document)
        }
    }

    /// The account named `username`, if any.
    public func find(username: String) async throws(PersistenceError) -> UserRecord? {
        let fields = try await database.perform(in: Self.collectionName) {
            collection throws(MongoError) -> BSONFields? in
            let filter = BSONDocument()
            filter.append("username", string: username)
            return try collection.find(filter: filter, limit: 1).first?.decoded()
        }
        guard let fields else { return nil }
        guard let id = fields["_id"]?.string, let name = fields["username"]?.string,
            let hash = fields["passwordHash"]?.string, let created = fields["createdAt"]?.dateMilliseconds
        else {
            throw PersistenceError(code: .commandFailed, message: "a users document is malformed")
        }
        return UserRecord(
            id: id, username: name, passwordHash: hash, createdAt: Date(timeIntervalSince1970: Double(created) / 1000))
    }
}
