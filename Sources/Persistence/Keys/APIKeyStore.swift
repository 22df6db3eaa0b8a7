import Foundation
import MongoDriver

/// The `api_keys` collection: create, list, revoke and look up client keys by hash.
///
/// Lookups are rare (the HTTP layer caches them for a few seconds), writes are admin actions;
/// all run on the database's thread pool with the URI's (journaled) write concern.
public final class APIKeyStore: MongoCollectionStore {
    public static let collectionName = "api_keys"

    let database: MongoDatabase

    public init(database: MongoDatabase) {
        self.database = database
    }

    /// Creates the unique index on `keyHash` (idempotent).
    public func createIndexes() async throws(PersistenceError) {
        try await createIndex(#"{"key": {"keyHash": 1}, "name": "keyHash_1", "unique": true}"#)
    }

    public func insert(_ record: APIKeyRecord) async throws(PersistenceError) {
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            let document = BSONDocument()
            document.append("_id", string: record.id)
            document.append("name", string: record.name)
            if let email = record.email { document.append("email", string: email) }
            document.append("keyHash", string: record.keyHash)
            document.append("keyPrefix", string: record.keyPrefix)
            document.append("createdAt", date: record.createdAt)
            if let revokedAt = record.revokedAt { document.append("revokedAt", date: revokedAt) }
            if let owner = record.owner { document.append("owner", string: owner) }
            if !record.limits.isEmpty { document.append("limits", document: Self.limitsDocument(record.limits)) }
            try collection.insertOne(document)
        }
    }

    /// Every key, oldest first.
    public func list() async throws(PersistenceError) -> [APIKeyRecord] {
        try await find { _ in }.sorted { $0.createdAt < $1.createdAt }
    }

    /// The key whose SHA-256 is `keyHash`, revoked or not.
    public func find(keyHash: String) async throws(PersistenceError) -> APIKeyRecord? {
        try await find { $0.append("keyHash", string: keyHash) }.first
    }

    /// Marks the key revoked; returns false when no key has that id.
    public func revoke(id: String, at date: Date = Date()) async throws(PersistenceError) -> Bool {
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) -> Bool in
            let filter = BSONDocument()
            filter.append("_id", string: id)
            let fields = BSONDocument()
            fields.append("revokedAt", date: date)
            let update = BSONDocument()
            update.append("$set", document: fields)
            return try collection.updateOne(filter: filter, update: update) > 0
        }
    }

    /// The keys matching the filter `makeFilter` builds (on the thread pool, where BSON lives).
    func find(
        _ makeFilter: @escaping @Sendable (BSONDocument) -> Void
    ) async throws(PersistenceError) -> [APIKeyRecord] {
        let rows = try await database.perform(in: Self.collectionName) {
            collection throws(MongoError) -> [BSONFields] in
            let filter = BSONDocument()
            makeFilter(filter)
            return try collection.find(filter: filter).map { document throws(MongoError) in try document.decoded() }
        }
        return try rows.map(Self.record(from:))
    }

    static func record(from fields: BSONFields) throws(PersistenceError) -> APIKeyRecord {
        guard let id = fields["_id"]?.string, let name = fields["name"]?.string,
            let keyHash = fields["keyHash"]?.string, let createdAt = fields["createdAt"]?.dateMilliseconds
        else {
            throw PersistenceError(code: .commandFailed, message: "an api_keys document is malformed")
        }
        return APIKeyRecord(
            id: id, name: name, email: fields["email"]?.string, keyHash: keyHash,
            keyPrefix: fields["keyPrefix"]?.string ?? "", createdAt: Self.date(createdAt),
            revokedAt: fields["revokedAt"]?.dateMilliseconds.map(Self.date), owner: fields["owner"]?.string,
            limits: fields["limits"]?.document.map(Self.limits(from:)) ?? KeyLimits())
    }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
