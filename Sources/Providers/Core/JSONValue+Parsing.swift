extension JSONValue {
    /// Why a text is not JSON: what was expected and the byte offset where it went wrong.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var offset: Int
        public var expected: String
        public var description: String { "expected \(expected) at byte \(offset)" }
    }

    /// Parses JSON text (RFC 8259) keeping every object's members in document order.
    public init(parsing text: some Collection<UInt8>) throws(ParseError) {
        var parser = Parser(bytes: Array(text), mode: .lenient)
        parser.skipWhitespace()
        self = try parser.value(depth: 0)
        try parser.expectEnd()
    }

    /// Parses JSON held in a string (e.g. a tool call's `arguments`).
    public init(parsing text: String) throws(ParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Reads `text`, which must be one JSON object, member by member: each key and value (and the
    /// byte offset where the value starts) goes to `visit` in document order and the object itself
    /// is never built, so a reader that wants a few members of a large answer pays for those
    /// members' values only. Every byte of the text is still checked (`mode`'s rules).
    public static func forEachMember(
        ofObjectIn text: some Collection<UInt8>, mode: ParsingMode,
        _ visit: (_ key: String, _ value: JSONValue, _ offset: Int) throws(ParseError) -> Void
    ) throws(ParseError) {
        var parser = Parser(bytes: Array(text), mode: mode)
        parser.skipByteOrderMark()
        parser.skipWhitespace()
        guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "{") else {
            throw parser.failure("an object")
        }
        try parser.members(depth: 0, visit)
        try parser.expectEnd()
    }
}
