import CMongoc
import Logging

/// A thread-safe pool of libmongoc clients (`mongoc_client_pool_t`) for one connection string.
///
/// The pool exists so every blocking MongoDB call gets a connected client without sharing one
/// across threads (a `mongoc_client_t` is single-threaded). It owns the `mongoc_client_pool_t *`
/// and destroys it in `deinit`, the one place it is freed; clients are popped and pushed back only
/// inside `withClient`, which must run on a blocking thread (a `NIOThreadPool` thread), because
/// `mongoc_client_pool_pop` blocks while the pool is exhausted.
///
/// `@unchecked Sendable` is safe because the only stored C state is the pool pointer, and libmongoc
/// documents `mongoc_client_pool_t` as thread-safe (pop/push may be called from any thread); the
/// other stored properties are immutable Sendable values.
public final class MongoClientPool: @unchecked Sendable {
    private let pointer: OpaquePointer
    /// The timeouts and write concern the pool's clients use (after defaults were applied).
    public let serverSelectionTimeoutMS: Int32
    public let connectTimeoutMS: Int32
    public let writeConcern: WriteConcernSummary

    /// Parses `uri` (see `MongoURI` for the defaults applied) and creates the pool. No I/O happens
    /// here: libmongoc connects lazily, so a database that is down does not fail start-up.
    ///
    /// - Parameters:
    ///   - uri: any libmongoc connection string.
    ///   - maxClients: the most clients (connections per server) the pool hands out at once.
    ///   - logger: where libmongoc's own log messages go (process-wide, the last pool wins).
    ///   - serverSelectionTimeoutMS: used when the URI sets none (the service's write path uses a
    ///     short one, so a dead database is noticed and writes are diverted to the spool quickly).
    /// - Throws: `PersistenceError(.invalidURI)` for a malformed or unusable URI.
    public init(
        uri: String, maxClients: Int = 100, logger: Logger,
        serverSelectionTimeoutMS: Int32 = MongoURI.defaultServerSelectionTimeoutMS
    ) throws(PersistenceError) {
        MongocRuntime.initialise(logger: logger)
        let parsed = try MongoURI(uri, serverSelectionTimeoutMS: serverSelectionTimeoutMS)
        var error = bson_error_t()
        // mongoc_client_pool_new_with_error copies the URI, so `parsed` may be freed afterwards.
        guard let pointer = mongoc_client_pool_new_with_error(parsed.pointer, &error) else {
            throw PersistenceError(
                code: .invalidURI, domain: error.domain, mongoCode: error.code,
                message: "cannot use MongoDB connection string: \(PersistenceError.message(of: error))")
        }
        mongoc_client_pool_set_error_api(pointer, Int32(MONGOC_ERROR_API_VERSION_2))
        mongoc_client_pool_max_size(pointer, UInt32(clamping: max(1, maxClients)))
        _ = "chat-service".withCString { mongoc_client_pool_set_appname(pointer, $0) }
        self.pointer = pointer
        self.serverSelectionTimeoutMS = parsed.serverSelectionTimeoutMS
        self.connectTimeoutMS = parsed.connectTimeoutMS
        self.writeConcern = parsed.writeConcern
    }

    deinit {
        // Every client popped in withClient was pushed back before withClient returned, and
        // withClient keeps `self` alive while it runs, so no client outlives the pool.
        mongoc_client_pool_destroy(pointer)
    }

    /// Runs `body` with a client from the pool and returns the client afterwards, even on error.
    ///
    /// BLOCKS (waits for a free client, then does network I/O in `body`): call only from a
    /// thread-pool thread, never from an event loop or Swift's cooperative pool.
    func withClient<T>(_ body: (MongoClient) throws(PersistenceError) -> T) throws(PersistenceError) -> T {
        guard let client = mongoc_client_pool_pop(pointer) else {
            throw PersistenceError(code: .commandFailed, message: "mongoc_client_pool_pop returned no client")
        }
        defer { mongoc_client_pool_push(pointer, client) }
        return try body(MongoClient(pointer: client))
    }
}
