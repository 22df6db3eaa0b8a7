import MongoDriver

extension InteractionStore {
    /// The SPEC §4 indexes as (name, [(field, direction)]), in the order they are created.
    public static let indexes: [(name: String, keys: [(field: String, direction: Int32)])] = [
        ("userId_1_timestamp_-1", [("userId", 1), ("timestamp", -1)]),
        ("timestamp_-1", [("timestamp", -1)]),
        ("model_1_timestamp_-1", [("model", 1), ("timestamp", -1)]),
        ("status_1_timestamp_-1", [("status", 1), ("timestamp", -1)]),
    ]

    /// Creates the SPEC §4 indexes on `interactions`. Idempotent: creating an index that already
    /// exists with the same keys and name is a no-op on the server.
    public func createIndexes() async throws(PersistenceError) {
        do {
            _ = try await database.writeCommand(context: "createIndexes on \(database.name).\(Self.collectionName)") {
                let command = BSONDocument()
                command.append("createIndexes", string: Self.collectionName)
                command.append(
                    "indexes",
                    array: Self.indexes.map { index in
                        let keys = BSONDocument()
                        for key in index.keys {
                            keys.append(key.field, int32: key.direction)
                        }
                        let description = BSONDocument()
                        description.append("key", document: keys)
                        description.append("name", string: index.name)
                        return description
                    })
                return command
            }
        } catch {
            throw PersistenceError(error)
        }
    }
}
