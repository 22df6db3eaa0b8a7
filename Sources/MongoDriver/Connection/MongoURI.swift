import CMongoc
import Foundation

/// A parsed libmongoc connection string (`mongoc_uri_t`) with the service's defaults applied.
///
/// It exists to make two decisions in one testable place, before any connection is made:
/// - a dead database must be noticed fast on the request path, so `serverSelectionTimeoutMS` and
///   `connectTimeoutMS` default to 2000 ms unless the URI sets them;
/// - a 2xx must mean "survives a database crash", so writes use `j: true` unless the URI itself
///   sets `w` or `journal` (then the operator's choice, e.g. `w=majority`, is honoured).
///
/// Owns its `mongoc_uri_t *` and frees it in `deinit`. Not `Sendable` (mutable C state); the pool
/// copies it.
public final class MongoURI {
    /// Server selection timeout used when the URI does not set one.
    public static let defaultServerSelectionTimeoutMS: Int32 = 2000
    /// Connect timeout used when the URI does not set one.
    public static let defaultConnectTimeoutMS: Int32 = 2000
    /// Without it libmongoc waits 5 minutes on a database that hangs rather than dies, holding a
    /// bulk insert (and every request in it) that long.
    public static let defaultSocketTimeoutMS: Int32 = 10_000

    let pointer: OpaquePointer

    /// Parses `uri` and applies the defaults above.
    ///
    /// - Throws: `MongoError` with code `.invalidURI` and libmongoc's reason; the message
    ///   never repeats the URI itself (it may hold a password).
    ///   - serverSelectionTimeoutMS: the server selection timeout to use when the URI sets none.
    public init(
        _ uri: String, serverSelectionTimeoutMS: Int32 = MongoURI.defaultServerSelectionTimeoutMS
    ) throws(MongoError) {
        MongocRuntime.initialise()
        if let problem = Self.unescapedUserInfoProblem(uri) {
            // libmongoc accepts these and splits the password at the wrong place, then quotes the
            // rest (lowercased, as a host name) in every connection error.
            throw MongoError(code: .invalidURI, message: "invalid MongoDB connection string: \(problem)")
        }
        var error = bson_error_t()
        let parsed = MongocRuntime.withURIParsingLogsSuppressed { mongoc_uri_new_with_error(uri, &error) }
        guard let pointer = parsed else {
            let reason = Self.redacting(secretsOf: uri, in: MongoError.message(of: error))
            throw MongoError(
                code: .invalidURI, domain: error.domain, mongoCode: error.code,
                message: "invalid MongoDB connection string: \(reason.isEmpty ? "could not be parsed" : reason)")
        }
        self.pointer = pointer
        applyDefaults(serverSelectionTimeoutMS: serverSelectionTimeoutMS)
    }

    deinit {
        mongoc_uri_destroy(pointer)
    }

    private func applyDefaults(serverSelectionTimeoutMS: Int32) {
        if !mongoc_uri_has_option(pointer, MONGOC_URI_SERVERSELECTIONTIMEOUTMS) {
            _ = mongoc_uri_set_option_as_int32(
                pointer, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, serverSelectionTimeoutMS)
        }
        if !mongoc_uri_has_option(pointer, MONGOC_URI_CONNECTTIMEOUTMS) {
            _ = mongoc_uri_set_option_as_int32(pointer, MONGOC_URI_CONNECTTIMEOUTMS, Self.defaultConnectTimeoutMS)
        }
        if !mongoc_uri_has_option(pointer, MONGOC_URI_SOCKETTIMEOUTMS) {
            _ = mongoc_uri_set_option_as_int32(pointer, MONGOC_URI_SOCKETTIMEOUTMS, Self.defaultSocketTimeoutMS)
        }
        let current = mongoc_uri_get_write_concern(pointer)
        let setsW =
            mongoc_write_concern_get_w(current) != MONGOC_WRITE_CONCERN_W_DEFAULT
            || mongoc_write_concern_get_wtag(current) != nil
        if !setsW && !mongoc_write_concern_journal_is_set(current) {
            // Copy so a URI-level wtimeoutMS survives; mongoc_uri_set_write_concern copies again.
            let journaled = mongoc_write_concern_copy(current)
            mongoc_write_concern_set_journal(journaled, true)
            mongoc_uri_set_write_concern(pointer, journaled)
            mongoc_write_concern_destroy(journaled)
        }
    }

    /// The effective server selection timeout in milliseconds.
    public var serverSelectionTimeoutMS: Int32 {
        mongoc_uri_get_option_as_int32(pointer, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, 30_000)
    }

    /// The effective connect timeout in milliseconds.
    public var connectTimeoutMS: Int32 {
        mongoc_uri_get_option_as_int32(pointer, MONGOC_URI_CONNECTTIMEOUTMS, 10_000)
    }

    /// The effective socket timeout in milliseconds.
    public var socketTimeoutMS: Int32 {
        mongoc_uri_get_option_as_int32(pointer, MONGOC_URI_SOCKETTIMEOUTMS, 300_000)
    }

    /// The write concern writes will use, as a document (`{"j": true}`, `{"w": "majority"}`, `{}`).
    public var writeConcern: WriteConcernSummary {
        let concern = mongoc_uri_get_write_concern(pointer)
        let journal: Bool? =
            mongoc_write_concern_journal_is_set(concern)
            ? mongoc_write_concern_get_journal(concern) : nil
        let w: String?
        if let tag = mongoc_write_concern_get_wtag(concern) {
            w = String(cString: tag)
        } else {
            switch mongoc_write_concern_get_w(concern) {
            case MONGOC_WRITE_CONCERN_W_DEFAULT: w = nil
            case MONGOC_WRITE_CONCERN_W_MAJORITY: w = "majority"
            case let number: w = String(number)
            }
        }
        return WriteConcernSummary(w: w, journal: journal)
    }

    /// Why the user-info part of `uri` is ambiguous (an unescaped `@`, or `:` in the password),
    /// or nil. RFC 3986 requires both to be percent-encoded there.
    static func unescapedUserInfoProblem(_ uri: String) -> String? {
        guard let schemeEnd = uri.range(of: "://") else { return nil }
        let authority = uri[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" }
        let ats = authority.filter { $0 == "@" }.count
        if ats > 1 {
            return "the user name or password contains an unescaped \"@\" (percent-encode it as %40)"
        }
        if ats == 1, let userInfo = authority.split(separator: "@", maxSplits: 1).first,
            userInfo.filter({ $0 == ":" }).count > 1
        {
            return "the password contains an unescaped \":\" (percent-encode it as %3A)"
        }
        return nil
    }

    /// `text` with every piece of `uri` that may be secret replaced by `***`: the password of the
    /// user-info part (`user:password@`, read up to the last `@` before the host, so an unescaped
    /// `@` or `:` in the password is covered), also percent-decoded and lowercased, since libmongoc
    /// may quote either; and the whole URI.
    public static func redacting(secretsOf uri: String, in text: String) -> String {
        var secrets = [uri]
        if let schemeEnd = uri.range(of: "://") {
            let rest = uri[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@") {
                let userInfo = authority[..<at]
                if let colon = userInfo.firstIndex(of: ":") {
                    let password = String(userInfo[userInfo.index(after: colon)...])
                    secrets.append(password)
                    secrets.append(password.removingPercentEncoding ?? password)
                }
                secrets.append(String(userInfo))
            }
        }
        var result = text
        for secret in Set(secrets.flatMap { [$0, $0.lowercased()] }) where secret.count >= 3 {
            result = result.replacingOccurrences(of: secret, with: "***")
        }
        return result
    }
}
