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
        let pool = self.pool
        let databaseName = self.databaseName
        try await threadPool.runBlocking { () throws(PersistenceError) in
            let command = BSONDocument()
            command.append("createIndexes", string: Self.collectionName)
            command.append("indexes", array: Self.indexes.map { index in
                let keys = BSONDocument()
                for key in index.keys {
                    keys.append(key.field, int32: key.direction)
                }
                let description = BSONDocument()
                description.append("key", document: keys)
                description.append("name", string: index.name)
                return description
            })
            _ = try pool.withClient { client throws(PersistenceError) in
                try client.writeCommand(
                    database: databaseName, command, context: "createIndexes on \(databaseName).\(Self.collectionName)")
            }
        }
    }
}
