import NIOPosix

/// One database reached through a client pool, with the thread pool its blocking calls run on.
///
/// It exists so that product code says what it wants ("in collection X of this database, do Y")
/// and never repeats the mechanics: hop to the thread pool, pop a client, get the collection,
/// push the client back. Every product store holds one of these.
public struct MongoDatabase: Sendable {
    public let pool: MongoClientPool
    public let name: String
    /// Where the blocking libmongoc calls run; must be started and outlive every call.
    public let threadPool: NIOThreadPool

    public init(pool: MongoClientPool, name: String, threadPool: NIOThreadPool) {
        self.pool = pool
        self.name = name
        self.threadPool = threadPool
    }

    /// Runs `body` on the thread pool with `collection` of this database.
    ///
    /// The collection handle is valid only inside `body`; build and read BSON documents there too
    /// (they are not `Sendable`) and return plain values.
    public func withCollection<T: Sendable>(
        _ collection: String, _ body: @escaping @Sendable (MongoCollection) throws(MongoError) -> T
    ) async throws(MongoError) -> T {
        try await threadPool.runBlocking { () throws(MongoError) -> T in
            try withCollectionBlocking(collection, body)
        }
    }

    /// `withCollection` for code already running on a thread-pool thread (BLOCKS the caller).
    public func withCollectionBlocking<T>(
        _ collection: String, _ body: (MongoCollection) throws(MongoError) -> T
    ) throws(MongoError) -> T {
        try pool.withClient { client throws(MongoError) in
            try body(client.collection(database: name, name: collection))
        }
    }

    /// Runs a write command (`createIndexes`) against this database on the thread pool.
    /// `makeCommand` builds the command on the thread pool, where BSON documents live.
    public func writeCommand(
        context: String, _ makeCommand: @escaping @Sendable () throws(MongoError) -> BSONDocument
    ) async throws(MongoError) -> BSONFields {
        let name = self.name
        return try await threadPool.runBlocking { () throws(MongoError) -> BSONFields in
            let command = try makeCommand()
            return try pool.withClient { client throws(MongoError) in
                try client.writeCommand(database: name, command, context: context)
            }
        }
    }

    /// `{ping: 1}` against the `admin` database (BLOCKS the caller: thread-pool threads only).
    public func pingBlocking() throws(MongoError) {
        let command = BSONDocument()
        command.append("ping", int32: 1)
        _ = try pool.withClient { client throws(MongoError) in
            try client.command(database: "admin", command, context: "ping")
        }
    }
}
