import CMongoc
import Foundation
import Logging
import Synchronization

/// Process-wide libmongoc state: `mongoc_init()` exactly once, and libmongoc's own log output
/// routed into swift-log instead of stderr.
///
/// libmongoc's initialisation and its log handler are global to the process, so they live in one
/// place. `mongoc_cleanup()` is deliberately never called: it may only run after every libmongoc
/// object is gone, which in a server is process exit, where the OS reclaims everything anyway.
enum MongocRuntime {
    /// The logger libmongoc messages are forwarded to; the most recent `MongoClientPool` sets it.
    private static let logger = Mutex(Logger(label: "mongoc"))

    /// Swift runs a global's initialiser exactly once, thread-safely (`swift_once`), which gives
    /// us "`mongoc_init()` once per process" without a lock of our own.
    private static let initialised: Void = {
        mongoc_log_set_handler(
            { level, domain, message, _ in
                MongocRuntime.forward(level: level, domain: domain, message: message)
            }, nil)
        mongoc_init()
        // Debian's libmongoc maps its performance counters from /dev/shm/mongoc-<pid>, and as
        // `mongoc_cleanup()` never runs, every process left its file behind; a later process
        // given the same pid then printed "Falling back to malloc for counters." to stderr (1,818
        // stale files after a day of tests). The mapping outlives the name, so the name goes now.
        _ = "/mongoc-\(getpid())".withCString { shm_unlink($0) }
    }()

    /// Initialises libmongoc (first call only) and sends its log messages to `logger`.
    static func initialise(logger: Logger) {
        _ = initialised
        self.logger.withLock { $0 = logger }
    }

    /// Initialises libmongoc (first call only), keeping the current logger.
    static func initialise() {
        _ = initialised
    }

    /// The thread-dictionary key that marks a thread as parsing a URI (see `withURIParsingLogsSuppressed`).
    private static let quietKey = "chat-service.mongoc.quiet"

    /// Runs `body` with libmongoc's log lines from this thread dropped. For URI parsing only:
    /// libmongoc logs a malformed URI at error level and also returns the same text in its
    /// `bson_error_t`, which we turn into a `MongoError`; the caller reports it once, as the
    /// one start-up line naming MONGODB_URI. The handler runs synchronously on the calling thread,
    /// so a per-thread flag affects nothing else.
    static func withURIParsingLogsSuppressed<T>(_ body: () -> T) -> T {
        let dictionary = Thread.current.threadDictionary
        dictionary[quietKey] = true
        defer { dictionary.removeObject(forKey: quietKey) }
        return body()
    }

    private static func forward(
        level: mongoc_log_level_t, domain: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?
    ) {
        let swiftLevel: Logger.Level
        switch level {
        case MONGOC_LOG_LEVEL_ERROR: swiftLevel = .error
        case MONGOC_LOG_LEVEL_CRITICAL: swiftLevel = .critical
        case MONGOC_LOG_LEVEL_WARNING: swiftLevel = .warning
        case MONGOC_LOG_LEVEL_MESSAGE, MONGOC_LOG_LEVEL_INFO: swiftLevel = .info
        case MONGOC_LOG_LEVEL_DEBUG: swiftLevel = .debug
        default: swiftLevel = .trace
        }
        if Thread.current.threadDictionary[quietKey] != nil { return }
        let logger = self.logger.withLock { $0 }
        guard logger.logLevel <= swiftLevel else { return }
        let text = message.map { String(cString: $0) } ?? ""
        let domainText = domain.map { String(cString: $0) } ?? "mongoc"
        logger.log(level: swiftLevel, "\(text)", metadata: ["mongoc.domain": "\(domainText)"])
    }
}
