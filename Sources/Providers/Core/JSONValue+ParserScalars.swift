// Numbers and strings for `JSONValue.Parser`.
extension JSONValue.Parser {
    typealias ParseError = JSONValue.ParseError

    mutating func number() throws(ParseError) -> JSONValue {
        let start = index
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        skipDigits()
        guard index > digitsStart else { throw failure("a value") }
        if mode == .strict, bytes[digitsStart] == UInt8(ascii: "0"), index - digitsStart > 1 {
            index = digitsStart + 1
            throw failure("no leading zeros")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            let fractionStart = index
            skipDigits()
            guard index > fractionStart else { throw failure("a digit") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            let exponentStart = index
            skipDigits()
            guard index > exponentStart else { throw failure("a digit") }
        }
        // Up to 18 digits always fit in an Int64: no text to make.
        if isInteger, index - digitsStart <= 18 {
            var value: Int64 = 0
            for digit in bytes[digitsStart..<index] { value = value * 10 + Int64(digit - UInt8(ascii: "0")) }
            return .integer(start == digitsStart ? value : -value)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int64(text) { return .integer(value) }
        guard let value = Double(text) else { throw failure("a number") }
        return .number(value)
    }

    private mutating func skipDigits() {
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
    }

    mutating func string() throws(ParseError) -> String {
        index += 1
        let contentStart = index
        var scalars = String.UnicodeScalarView()
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                // Without escapes the text is the bytes as they are: no scalar-by-scalar copy.
                if runStart == contentStart {
                    let text = try run(contentStart..<index)
                    index += 1
                    return text
                }
                scalars.append(contentsOf: try run(runStart..<index).unicodeScalars)
                index += 1
                return String(scalars)
            }
            guard byte >= 0x20 else { throw failure("no control characters in a string") }
            guard byte == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            scalars.append(contentsOf: try run(runStart..<index).unicodeScalars)
            index += 1
            guard index < bytes.count else { throw failure("an escape") }
            let escape = bytes[index]
            index += 1
            if let scalar = JSONValue.unescaped(escape) {
                scalars.append(scalar)
            } else if escape == UInt8(ascii: "u") {
                scalars.append(try escapedScalar())
            } else {
                throw failure("a valid escape")
            }
            runStart = index
        }
        throw failure("the end of the string")
    }

    /// The bytes of `range` as text: repaired (U+FFFD) in `.lenient` mode, refused unless valid
    /// UTF-8 in `.strict` mode.
    private func run(_ range: Range<Int>) throws(ParseError) -> String {
        guard mode == .strict else { return String(decoding: bytes[range], as: UTF8.self) }
        guard let text = String(validUTF8: bytes[range]) else {
            throw ParseError(offset: range.lowerBound, expected: "valid UTF-8")
        }
        return text
    }

    /// The scalar of a `\u` escape (the four hex digits at `index`), joined with the low half of
    /// a surrogate pair when one follows. A lone surrogate is U+FFFD in `.lenient` mode and an
    /// error in `.strict` mode.
    private mutating func escapedScalar() throws(ParseError) -> Unicode.Scalar {
        let escapeStart = index - 2
        var code = try hexQuad()
        if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
            bytes[index + 1] == UInt8(ascii: "u")
        {
            index += 2
            let low = try hexQuad()
            if (0xDC00..<0xE000).contains(low) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
        }
        if let scalar = Unicode.Scalar(code) { return scalar }
        guard mode == .lenient else {
            throw ParseError(offset: escapeStart, expected: "a surrogate pair")
        }
        return "\u{FFFD}"
    }

    /// Four hex digits. `.lenient` reads them as it always has (Swift's integer parsing, which
    /// also takes a sign); `.strict` takes hex digits only.
    private mutating func hexQuad() throws(ParseError) -> UInt32 {
        guard bytes.count - index >= 4 else { throw failure("four hex digits") }
        let quad = bytes[index..<index + 4]
        var code: UInt32? = 0
        if mode == .lenient {
            code = UInt32(String(decoding: quad, as: UTF8.self), radix: 16)
        } else {
            for byte in quad {
                guard let digit = Self.hexDigit(byte) else {
                    code = nil
                    break
                }
                code = (code ?? 0) << 4 | digit
            }
        }
        guard let code else { throw failure("four hex digits") }
        index += 4
        return code
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
