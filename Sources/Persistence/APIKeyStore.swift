import Foundation
import NIOPosix

/// The `api_keys` collection: create, list, revoke and look up client keys by hash.
///
/// Lookups are rare (the HTTP layer caches them for a few seconds), writes are admin actions;
/// all run on the persistence thread pool with the URI's (journaled) write concern.
public final class APIKeyStore: Sendable {
    public static let collectionName = "api_keys"

    let pool: MongoClientPool
    let databaseName: String
    let threadPool: NIOThreadPool

    public init(pool: MongoClientPool, databaseName: String, threadPool: NIOThreadPool) {
        self.pool = pool
        self.databaseName = databaseName
        self.threadPool = threadPool
    }

    /// Creates the unique index on `keyHash` (idempotent).
    public func createIndexes() async throws(PersistenceError) {
        try await run("createIndexes on \(Self.collectionName)") { client, databaseName throws(PersistenceError) in
            let command = try BSONDocument(
                json: #"{"createIndexes": "\#(Self.collectionName)", "indexes": [{"key": {"keyHash": 1}, "name": "keyHash_1", "unique": true}]}"#)
            _ = try client.writeCommand(database: databaseName, command, context: "createIndexes on \(Self.collectionName)")
        }
    }

    public func insert(_ record: APIKeyRecord) async throws(PersistenceError) {
        try await run("insert into \(Self.collectionName)") { client, databaseName throws(PersistenceError) in
            let document = BSONDocument()
            document.append("_id", string: record.id)
            document.append("name", string: record.name)
            if let email = record.email { document.append("email", string: email) }
            document.append("keyHash", string: record.keyHash)
            document.append("keyPrefix", string: record.keyPrefix)
            document.append("createdAt", date: record.createdAt)
            if let revokedAt = record.revokedAt { document.append("revokedAt", date: revokedAt) }
            try client.collection(database: databaseName, name: Self.collectionName)
                .insertOne(document, context: "insert into \(Self.collectionName)")
        }
    }

    /// Every key, oldest first.
    public func list() async throws(PersistenceError) -> [APIKeyRecord] {
        try await find(filterJSON: "{}").sorted { $0.createdAt < $1.createdAt }
    }

    /// The key whose SHA-256 is `keyHash`, revoked or not.
    public func find(keyHash: String) async throws(PersistenceError) -> APIKeyRecord? {
        guard keyHash.allSatisfy(\.isHexDigit) else { return nil }
        return try await find(filterJSON: #"{"keyHash": "\#(keyHash)"}"#).first
    }

    /// Marks the key revoked; returns false when no key has that id.
    public func revoke(id: String, at date: Date = Date()) async throws(PersistenceError) -> Bool {
        let filterJSON = try Self.idFilterJSON(id)
        let milliseconds = BSONDocument.milliseconds(since1970: date)
        return try await run("revoke in \(Self.collectionName)") { client, databaseName throws(PersistenceError) -> Bool in
            let filter = try BSONDocument(json: filterJSON)
            let update = try BSONDocument(json: #"{"$set": {"revokedAt": {"$date": {"$numberLong": "\#(milliseconds)"}}}}"#)
            return try client.collection(database: databaseName, name: Self.collectionName)
                .updateOne(filter: filter, update: update, context: "revoke in \(Self.collectionName)") > 0
        }
    }

    private func find(filterJSON: String) async throws(PersistenceError) -> [APIKeyRecord] {
        let rows = try await run("find in \(Self.collectionName)") { client, databaseName throws(PersistenceError) -> [String] in
            try client.collection(database: databaseName, name: Self.collectionName)
                .find(filter: try BSONDocument(json: filterJSON), limit: 0)
        }
        return try rows.map(Self.record(fromCanonicalJSON:))
    }

    private func run<T: Sendable>(
        _ context: String, _ body: @escaping @Sendable (MongoClient, String) throws(PersistenceError) -> T
    ) async throws(PersistenceError) -> T {
        let pool = self.pool
        let databaseName = self.databaseName
        return try await threadPool.runBlocking { () throws(PersistenceError) -> T in
            try pool.withClient { client throws(PersistenceError) in try body(client, databaseName) }
        }
    }

    /// `{"_id": "<id>"}` with the id JSON-escaped.
    static func idFilterJSON(_ id: String) throws(PersistenceError) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: ["_id": id]) else {
            throw PersistenceError(code: .invalidDocument, message: "key id is not encodable")
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func record(fromCanonicalJSON json: String) throws(PersistenceError) -> APIKeyRecord {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
            let id = object["_id"] as? String, let name = object["name"] as? String,
            let keyHash = object["keyHash"] as? String, let createdAt = date(object["createdAt"])
        else {
            throw PersistenceError(code: .commandFailed, message: "an api_keys document is malformed")
        }
        return APIKeyRecord(
            id: id, name: name, email: object["email"] as? String, keyHash: keyHash,
            keyPrefix: object["keyPrefix"] as? String ?? "", createdAt: createdAt, revokedAt: date(object["revokedAt"]))
    }

    private static func date(_ value: Any?) -> Date? {
        guard let wrapped = (value as? [String: Any])?["$date"] else { return nil }
        let milliseconds = InteractionStore.integer(wrapped)
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
