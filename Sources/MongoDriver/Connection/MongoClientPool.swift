import CMongoc
import Logging
import NIOPosix
import Synchronization

/// A thread-safe pool of libmongoc clients (`mongoc_client_pool_t`) for one connection string.
///
/// The pool exists so every blocking MongoDB call gets a connected client without sharing one
/// across threads (a `mongoc_client_t` is single-threaded). It owns the `mongoc_client_pool_t *`
/// and destroys it after `close()`, on a thread-pool thread (destroying closes sockets and may
/// block): at once, or when the last client in use comes back; `deinit` asserts that `close()` ran, as sqlite-nio does for its
/// connections. Clients are popped and pushed back only inside `withClient`, which must run on a
/// blocking thread (a `NIOThreadPool` thread), because `mongoc_client_pool_pop` blocks while the
/// pool is exhausted.
///
/// `@unchecked Sendable` is safe because the stored C state is the pool pointer, which libmongoc
/// documents as thread-safe (pop/push may be called from any thread), and `state` (under a lock)
/// makes sure it is destroyed exactly once and never while a client is out; the other stored properties are immutable
/// Sendable values.
public final class MongoClientPool: @unchecked Sendable {
    private let pointer: OpaquePointer
    /// Clients checked out right now, and whether `close()` has run.
    private let state = Mutex<(borrowed: Int, closed: Bool)>((0, false))
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
    /// - Throws: `MongoError(.invalidURI)` for a malformed or unusable URI.
    public init(
        uri: String, maxClients: Int = 100, logger: Logger,
        serverSelectionTimeoutMS: Int32 = MongoURI.defaultServerSelectionTimeoutMS
    ) throws(MongoError) {
        MongocRuntime.initialise(logger: logger)
        let parsed = try MongoURI(uri, serverSelectionTimeoutMS: serverSelectionTimeoutMS)
        var error = bson_error_t()
        // mongoc_client_pool_new_with_error copies the URI, so `parsed` may be freed afterwards.
        guard let pointer = mongoc_client_pool_new_with_error(parsed.pointer, &error) else {
            throw MongoError(
                code: .invalidURI, domain: error.domain, mongoCode: error.code,
                message: "cannot use MongoDB connection string: \(MongoError.message(of: error))")
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
        assert(state.withLock { $0.closed }, "MongoClientPool was not closed before it was released")
    }

    /// Whether `close()` has run.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Destroys the pool and every idle client in it (closing their sockets) on `threadPool`.
    /// Later `withClient` calls throw `.shutdown`. Clients still checked out (a blocking call in
    /// flight, e.g. one waiting for server selection while the service shuts down) are not
    /// interrupted: the last one to come back destroys the pool, on its own thread-pool thread.
    /// It runs even when the calling task is cancelled (a service group cancels its services when
    /// one fails, and the pool must still be released), and on the calling thread if the thread
    /// pool has already stopped.
    public func close(on threadPool: NIOThreadPool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            threadPool.submit { _ in
                self.closeOrDeferToLastClient()
                continuation.resume()
            }
        }
    }

    /// Marks the pool closed and destroys it now if no client is out (BLOCKING).
    private func closeOrDeferToLastClient() {
        let destroyNow = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.closed = true
            return state.borrowed == 0
        }
        if destroyNow { mongoc_client_pool_destroy(pointer) }
    }

    /// Gives a client back; destroys the pool when it was closed meanwhile and this was the last.
    private func giveBack(_ client: OpaquePointer) {
        mongoc_client_pool_push(pointer, client)
        let destroyNow = state.withLock { state -> Bool in
            state.borrowed -= 1
            return state.closed && state.borrowed == 0
        }
        if destroyNow { mongoc_client_pool_destroy(pointer) }
    }

    /// Runs `body` with a client from the pool and returns the client afterwards, even on error.
    ///
    /// BLOCKS (waits for a free client, then does network I/O in `body`): call only from a
    /// thread-pool thread, never from an event loop or Swift's cooperative pool.
    public func withClient<T>(_ body: (MongoClient) throws(MongoError) -> T) throws(MongoError) -> T {
        try state.withLock { state throws(MongoError) in
            guard !state.closed else { throw MongoError(code: .shutdown, message: "the MongoDB pool is closed") }
            state.borrowed += 1
        }
        guard let client = mongoc_client_pool_pop(pointer) else {
            state.withLock { $0.borrowed -= 1 }
            throw MongoError(code: .commandFailed, message: "mongoc_client_pool_pop returned no client")
        }
        defer { giveBack(client) }
        return try body(MongoClient(pointer: client))
    }
}
