import CMongoc

extension MongoError {
    /// Server error codes meaning "the database is not available for this write right now":
    /// HostUnreachable, HostNotFound, NetworkTimeout, ShutdownInProgress, PrimarySteppedDown,
    /// SocketException, NotWritablePrimary, InterruptedAtShutdown, InterruptedDueToReplStateChange,
    /// NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary, ExceededTimeLimit-on-network (50 is not here
    /// on purpose: a query timeout is not an outage).
    public static let unreachableServerCodes: Set<UInt32> = [
        6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436,
    ]

    /// Server error codes for a unique-index violation.
    public static let duplicateKeyServerCodes: Set<UInt32> = [11000, 11001, 12582]

    /// Classifies a libmongoc (error API version 2) domain/code pair.
    ///
    /// - Parameter fallback: the code to use when the failure is neither a reachability problem
    ///   nor a duplicate key (`.writeFailed` for writes, `.commandFailed` for everything else).
    public static func classify(domain: UInt32, code: UInt32, fallback: Code) -> Code {
        if domain == MONGOC_ERROR_SERVER_SELECTION.rawValue
            && code == MONGOC_ERROR_SERVER_SELECTION_BAD_WIRE_VERSION.rawValue
        {
            // A server too old for this driver is a deployment error, not an outage.
            return fallback
        }
        if domain == MONGOC_ERROR_STREAM.rawValue || domain == MONGOC_ERROR_SERVER_SELECTION.rawValue {
            return .unreachable
        }
        // With error API version 2 the server's own codes arrive in these two domains; libmongoc's
        // client-side codes (other domains) are small enums that could collide with them.
        guard domain == MONGOC_ERROR_SERVER.rawValue || domain == MONGOC_ERROR_WRITE_CONCERN.rawValue else {
            return fallback
        }
        if duplicateKeyServerCodes.contains(code) {
            return .duplicateKey
        }
        if unreachableServerCodes.contains(code) {
            return .unreachable
        }
        return fallback
    }

    /// Turns a filled-in `bson_error_t` into a `MongoError`.
    ///
    /// - Parameters:
    ///   - error: the C error, as libmongoc/libbson filled it in.
    ///   - fallback: see `classify(domain:code:fallback:)`.
    ///   - context: what we were doing, prefixed to libmongoc's message ("insert into chat.interactions").
    init(_ error: bson_error_t, fallback: Code, context: String) {
        let text = MongoError.message(of: error)
        self.init(
            code: MongoError.classify(domain: error.domain, code: error.code, fallback: fallback),
            domain: error.domain,
            mongoCode: error.code,
            message: text.isEmpty ? context : "\(context): \(text)"
        )
    }

    /// Reads `bson_error_t.message`, a fixed-size NUL-terminated C array imported as a tuple.
    static func message(of error: bson_error_t) -> String {
        withUnsafeBytes(of: error.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
