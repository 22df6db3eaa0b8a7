import MongoDriver

/// A store over one collection of the database with one index of its own (`api_keys`, `users`,
/// `limits`): what they share is the database handle and the way that index is created.
protocol MongoCollectionStore: Sendable {
    static var collectionName: String { get }
    var database: MongoDatabase { get }
}

extension MongoCollectionStore {
    /// Creates the collection's index described by the JSON object `index` (idempotent: an index
    /// that exists with the same keys and name is a no-op on the server).
    func createIndex(_ index: String) async throws(PersistenceError) {
        do {
            _ = try await database.writeCommand(context: "createIndexes on \(Self.collectionName)") {
                () throws(MongoError) in
                try BSONDocument(json: #"{"createIndexes": "\#(Self.collectionName)", "indexes": [\#(index)]}"#)
            }
        } catch {
            throw PersistenceError(error)
        }
    }
}
