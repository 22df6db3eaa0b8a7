/// The one error every persistence call throws, whether it came from libmongoc, libbson or our
/// own bookkeeping.
///
/// It exists so callers branch on a small, stable `Code` (above all `isUnreachable`, which decides
/// whether a write may be diverted to the spool) instead of on libmongoc's domain/code pairs, which
/// are still carried along for logs and diagnostics.
public struct PersistenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, as far as the service cares.
    public enum Code: String, Sendable, Equatable {
        /// The database could not be reached: server selection failed or timed out, the connection
        /// was refused, reset or timed out, or the server is shutting down / not writable primary.
        /// The write did not happen (or may be retried idempotently).
        case unreachable
        /// A document with the same `_id` (or unique key) already exists (server code 11000).
        case duplicateKey
        /// The server rejected a write for another reason (validation, write concern, …).
        case writeFailed
        /// A command (ping, createIndexes, find, count) failed for a reason other than reachability.
        case commandFailed
        /// The connection string could not be parsed or used.
        case invalidURI
        /// A document could not be built or parsed (too large, malformed JSON).
        case invalidDocument
        /// The store or its thread pool has been shut down.
        case shutdown
        /// MongoDB is unreachable and the spool has no room for the interaction (`SPOOL_MAX_BYTES`).
        case spoolFull
        /// MongoDB is unreachable and the spool cannot be written (disk full, I/O error, permissions).
        case spoolUnwritable
    }

    public var code: Code
    /// The libmongoc/libbson error domain (`bson_error_t.domain`), 0 when the error is our own.
    public var domain: UInt32
    /// The libmongoc/libbson or server error code (`bson_error_t.code`), 0 when the error is our own.
    public var mongoCode: UInt32
    /// A human-readable sentence; never contains the connection string's credentials.
    public var message: String

    public init(code: Code, domain: UInt32 = 0, mongoCode: UInt32 = 0, message: String) {
        self.code = code
        self.domain = domain
        self.mongoCode = mongoCode
        self.message = message
    }

    /// True for exactly the failures a spool should absorb: connection, server-selection and
    /// timeout errors (and a server that is shutting down or not primary).
    public var isUnreachable: Bool { code == .unreachable }

    /// True when the document already exists, which a replaying spool treats as "already stored".
    public var isDuplicateKey: Bool { code == .duplicateKey }

    /// True when neither MongoDB nor the spool could take the interaction: answer 503 + Retry-After.
    public var isSpoolRefusal: Bool { code == .spoolFull || code == .spoolUnwritable }

    public var description: String {
        if domain == 0 && mongoCode == 0 {
            return "\(code.rawValue): \(message)"
        }
        return "\(code.rawValue) (domain \(domain), code \(mongoCode)): \(message)"
    }
}
