extension JSONValue {
    /// A recursive-descent reader over the bytes of one JSON text, shared by `JSONValue(parsing:)`
    /// and `JSONValue.forEachMember(ofObjectIn:mode:_:)` so that there is one JSON grammar in the
    /// providers, whichever of `ParsingMode`'s rules apply. Nesting is capped so a hostile body
    /// cannot exhaust the stack.
    struct Parser {
        let bytes: [UInt8]
        let mode: ParsingMode
        var index = 0

        init(bytes: [UInt8], mode: ParsingMode) {
            self.bytes = bytes
            self.mode = mode
        }

        /// The deepest a value may sit: the top-level value is at depth 0.
        var maxDepth: Int { mode == .strict ? 512 : 128 }

        func failure(_ expected: String) -> ParseError {
            ParseError(offset: index, expected: expected)
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        /// Steps over a UTF-8 byte-order mark at the very start (`.strict` only).
        mutating func skipByteOrderMark() {
            if mode == .strict, index == 0, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        /// Fails unless only whitespace is left.
        mutating func expectEnd() throws(ParseError) {
            skipWhitespace()
            guard index == bytes.count else { throw failure("the end of the text") }
        }

        mutating func value(depth: Int) throws(ParseError) -> JSONValue {
            guard depth < maxDepth else { throw failure("at most \(maxDepth) levels of nesting") }
            guard index < bytes.count else { throw failure("a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        mutating func literal(_ word: StaticString, _ value: JSONValue) throws(ParseError) -> JSONValue {
            let length = word.utf8CodeUnitCount
            guard bytes.count - index >= length,
                word.withUTF8Buffer({ bytes[index..<index + length].elementsEqual($0) })
            else { throw failure("\(word)") }
            index += length
            return value
        }

        mutating func object(depth: Int) throws(ParseError) -> JSONValue {
            var members: [Member] = []
            try self.members(depth: depth) { key, value, _ throws(ParseError) in members.append(Member(key, value)) }
            return .object(members)
        }

        /// Reads the object at `index` (an object at `depth`), handing each member to `visit`.
        mutating func members(
            depth: Int, _ visit: (_ key: String, _ value: JSONValue, _ offset: Int) throws(ParseError) -> Void
        ) throws(ParseError) {
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("a member name") }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("':'") }
                index += 1
                skipWhitespace()
                let offset = index
                try visit(key, try value(depth: depth + 1), offset)
                skipWhitespace()
                guard index < bytes.count else { throw failure("',' or '}'") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    if closesAfterTrailingComma(UInt8(ascii: "}")) { return }
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return
                } else {
                    throw failure("',' or '}'")
                }
            }
        }

        /// After a comma in `.strict` mode: steps over `close` if it comes next (JSONDecoder takes
        /// `[1,]` and `{"a":1,}`).
        mutating func closesAfterTrailingComma(_ close: UInt8) -> Bool {
            guard mode == .strict else { return false }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == close else { return false }
            index += 1
            return true
        }

        mutating func array(depth: Int) throws(ParseError) -> JSONValue {
            index += 1
            var values: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(values)
            }
            while true {
                skipWhitespace()
                values.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw failure("',' or ']'") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    if closesAfterTrailingComma(UInt8(ascii: "]")) { return .array(values) }
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(values)
                } else {
                    throw failure("',' or ']'")
                }
            }
        }
    }
}
