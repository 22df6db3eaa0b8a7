extension InteractionStore {
    /// Up to `limit` documents of `collection` (in this store's database) matching `filterJSON`
    /// (extended JSON; `{}` for all), sorted by `sortJSON` (`_id` by default; `{}` for the server's
    /// natural order, i.e. insertion order), as canonical extended JSON so BSON types are
    /// visible (`{"$numberInt": "5"}` vs `{"$numberLong": "5"}`, `{"$date": …}`).
    public func findDocuments(
        collection: String = InteractionStore.collectionName, filterJSON: String = "{}", limit: Int = 0,
        sortJSON: String = #"{"_id": 1}"#
    ) async throws(PersistenceError) -> [String] {
        let pool = self.pool
        let databaseName = self.databaseName
        return try await threadPool.runBlocking { () throws(PersistenceError) -> [String] in
            let filter = try BSONDocument(json: filterJSON)
            let sort = try BSONDocument(json: sortJSON)
            return try pool.withClient { client throws(PersistenceError) in
                try client.collection(database: databaseName, name: collection).find(filter: filter, limit: limit, sort: sort)
            }
        }
    }

    /// The number of documents in `collection` matching `filterJSON` (extended JSON).
    public func countDocuments(
        collection: String = InteractionStore.collectionName, filterJSON: String = "{}"
    ) async throws(PersistenceError) -> Int {
        let pool = self.pool
        let databaseName = self.databaseName
        return try await threadPool.runBlocking { () throws(PersistenceError) -> Int in
            let filter = try BSONDocument(json: filterJSON)
            return try pool.withClient { client throws(PersistenceError) in
                try client.collection(database: databaseName, name: collection).countDocuments(filter: filter)
            }
        }
    }

    /// The index descriptions of `collection` (`{"v":…,"key":{…},"name":…}`) as canonical JSON.
    public func listIndexes(collection: String = InteractionStore.collectionName) async throws(PersistenceError)
        -> [String]
    {
        let pool = self.pool
        let databaseName = self.databaseName
        return try await threadPool.runBlocking { () throws(PersistenceError) -> [String] in
            try pool.withClient { client throws(PersistenceError) in
                try client.collection(database: databaseName, name: collection).listIndexes()
            }
        }
    }
}
