/// The write concern a `MongoURI` resolved to, in plain Swift values, so start-up can log it and
/// tests can check the "journaled unless the URI says otherwise" rule without a server.
public struct WriteConcernSummary: Sendable, Equatable, CustomStringConvertible {
    /// `w` as written in the URI (`"1"`, `"majority"`, a tag name), `nil` when left to the server.
    public var w: String?
    /// `j`, `nil` when not set.
    public var journal: Bool?

    public init(w: String?, journal: Bool?) {
        self.w = w
        self.journal = journal
    }

    public var description: String {
        var parts: [String] = []
        if let w { parts.append("w: \(w)") }
        if let journal { parts.append("j: \(journal)") }
        return parts.isEmpty ? "{server default}" : "{\(parts.joined(separator: ", "))}"
    }
}
