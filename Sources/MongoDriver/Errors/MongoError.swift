/// The one error every MongoDriver call throws, whether it came from libmongoc, libbson or the
/// wrapper's own bookkeeping.
///
/// It exists so callers branch on a small, stable `Code` (above all `isUnreachable`: "the write
/// did not happen because the database could not be reached, try again later") instead of on
/// libmongoc's domain/code pairs, which are still carried along for logs and diagnostics.
public struct MongoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is, as far as a caller can act on it.
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
        /// A document could not be built or parsed (too large, malformed JSON or BSON).
        case invalidDocument
        /// The pool or its thread pool has been shut down.
        case shutdown
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

    /// True for connection, server-selection and timeout errors (and a server that is shutting
    /// down or not primary): the failures that end when the database comes back.
    public var isUnreachable: Bool { code == .unreachable }

    /// True when the document already exists.
    public var isDuplicateKey: Bool { code == .duplicateKey }

    public var description: String {
        if domain == 0 && mongoCode == 0 {
            return "\(code.rawValue): \(message)"
        }
        return "\(code.rawValue) (domain \(domain), code \(mongoCode)): \(message)"
    }
}
