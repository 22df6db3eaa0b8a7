// Reading a parsed value as `JSONDecoder` would have decoded it into a Swift property, for
// readers that replace a decoder (`OllamaProvider.ResponseBody(reading:)`): `null` is an absent
// optional, an integer may be written with a zero fraction or an exponent (`12.0`, `1.2e1`) but
// not with a real fraction, a Bool is only `true`/`false`, and in an object the first of a
// repeated key wins. Failures are `ParseError`s naming the property and the value's offset.
extension JSONValue {
    /// The first value of `key` when this is an object that has it (`subscript` gives the last).
    func firstValue(of key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// `String?`: a string, or `nil` for `null` or an absent member (`value` is then `nil`).
    static func decodedString(
        _ value: JSONValue?, _ name: @autoclosure () -> String, at offset: Int
    ) throws(ParseError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw ParseError(offset: offset, expected: "a string for \(name())")
        }
    }

    /// `String`: present and a string.
    static func decodedRequiredString(
        _ value: JSONValue?, _ name: @autoclosure () -> String, at offset: Int
    ) throws(ParseError) -> String {
        guard case .string(let text)? = value else {
            throw ParseError(offset: offset, expected: "a string for \(name())")
        }
        return text
    }

    static func decodedBool(
        _ value: JSONValue?, _ name: @autoclosure () -> String, at offset: Int
    ) throws(ParseError) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw ParseError(offset: offset, expected: "true or false for \(name())")
        }
    }

    /// `Int?`: a number with an integer value in `Int`'s range (`12`, `12.0`, `1.2e1`).
    static func decodedInt(
        _ value: JSONValue?, _ name: @autoclosure () -> String, at offset: Int
    ) throws(ParseError) -> Int? {
        switch value {
        case nil, .null?: return nil
        case .integer(let number)?: return Int(number)
        case .number(let number)?:
            if let whole = Int(exactly: number) { return whole }
        default: break
        }
        throw ParseError(offset: offset, expected: "an integer for \(name())")
    }

    /// `[String]?`: an array of strings.
    static func decodedStrings(
        _ value: JSONValue?, _ name: @autoclosure () -> String, at offset: Int
    ) throws(ParseError) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let elements)?:
            var strings: [String] = []
            strings.reserveCapacity(elements.count)
            for element in elements {
                guard case .string(let text) = element else {
                    throw ParseError(offset: offset, expected: "strings in \(name())")
                }
                strings.append(text)
            }
            return strings
        default: throw ParseError(offset: offset, expected: "an array of strings for \(name())")
        }
    }

    /// The value as `JSONValue(from: Decoder)` gave it: a number with an integer value that fits
    /// in 64 bits is `.integer` (the decoder tried `Int64` before `Double`), only the first of a
    /// repeated key is kept, and a number too large for a `Double` fails.
    func decoderShaped(_ name: @autoclosure () -> String, at offset: Int) throws(ParseError) -> JSONValue {
        switch self {
        case .null, .bool, .integer, .string: return self
        case .number(let number):
            guard number.isFinite else { throw ParseError(offset: offset, expected: "a finite number in \(name())") }
            if let whole = Int64(exactly: number) { return .integer(whole) }
            return self
        case .array(let elements):
            var shaped: [JSONValue] = []
            shaped.reserveCapacity(elements.count)
            for element in elements { shaped.append(try element.decoderShaped(name(), at: offset)) }
            return .array(shaped)
        case .object(let members):
            var shaped: [Member] = []
            shaped.reserveCapacity(members.count)
            for member in members where !shaped.contains(where: { $0.key == member.key }) {
                shaped.append(Member(member.key, try member.value.decoderShaped(name(), at: offset)))
            }
            return .object(shaped)
        }
    }
}
