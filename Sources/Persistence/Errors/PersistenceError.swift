import MongoDriver
import NIOPosix

/// The one error the product's persistence throws: MongoDB's failures (as `MongoDriver`
/// classified them) plus the write-ahead log's own (full, not writable).
///
/// It exists so the HTTP layer branches on a small, stable `Code` — above all `isSpoolRefusal`
/// (answer 503 + Retry-After) — without knowing which layer failed.
public struct PersistenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, as far as the service cares.
    public enum Code: String, Sendable, Equatable {
        // MongoDB's failures, one for one as `MongoError.Code` names and documents them:
        case unreachable, duplicateKey, writeFailed, commandFailed, invalidURI, invalidDocument, shutdown
        /// The write-ahead log has no room for the interaction (`SPOOL_MAX_BYTES`).
        case spoolFull
        /// The write-ahead log cannot be written (disk full, I/O error, permissions).
        case spoolUnwritable
    }

    public var code: Code
    /// A human-readable sentence; never contains the connection string's credentials.
    public var message: String
    /// The driver's error, with libmongoc's domain and code, when MongoDB failed.
    public var cause: MongoError?

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The same failure, from the driver.
    public init(_ error: MongoError) {
        let code: Code
        switch error.code {
        case .unreachable: code = .unreachable
        case .duplicateKey: code = .duplicateKey
        case .writeFailed: code = .writeFailed
        case .commandFailed: code = .commandFailed
        case .invalidURI: code = .invalidURI
        case .invalidDocument: code = .invalidDocument
        case .shutdown: code = .shutdown
        }
        self.init(code: code, message: error.message)
        cause = error
    }

    /// True for exactly the failures a spool should absorb: connection, server-selection and
    /// timeout errors (and a server that is shutting down or not primary).
    public var isUnreachable: Bool { code == .unreachable }

    /// True when the document already exists, which a replaying spool treats as "already stored".
    public var isDuplicateKey: Bool { code == .duplicateKey }

    /// True when neither MongoDB nor the spool could take the interaction: answer 503 + Retry-After.
    public var isSpoolRefusal: Bool { code == .spoolFull || code == .spoolUnwritable }

    public var description: String {
        guard let cause, cause.domain != 0 || cause.mongoCode != 0 else { return "\(code.rawValue): \(message)" }
        return "\(code.rawValue) (domain \(cause.domain), code \(cause.mongoCode)): \(message)"
    }
}

extension MongoDatabase {
    /// `withCollection`, with the driver's error as a `PersistenceError`: the one way the product's
    /// stores reach a collection.
    func perform<T: Sendable>(
        in collection: String, _ body: @escaping @Sendable (MongoCollection) throws(MongoError) -> T
    ) async throws(PersistenceError) -> T {
        do {
            return try await withCollection(collection, body)
        } catch {
            throw PersistenceError(error)
        }
    }
}

extension PersistenceError {
    /// The log's thread pool is not running (shutdown), or the calling task was cancelled first.
    static let threadPoolStopped = PersistenceError(
        code: .shutdown, message: "the persistence thread pool is not running (or the task was cancelled)")
}

extension NIOThreadPool {
    /// Runs blocking file work (the log's reads, writes and fsyncs) on this pool.
    func runFileWork<T: Sendable>(
        _ body: @escaping @Sendable () throws(PersistenceError) -> T
    ) async throws(PersistenceError) -> T {
        try await runBlocking(orThrow: .threadPoolStopped, body)
    }
}
