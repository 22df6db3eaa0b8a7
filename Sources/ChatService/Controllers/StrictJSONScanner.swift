// The fuzz target (scripts/fuzz.sh RequestJSON) compiles this file with Providers' JSONValue
// sources in one module, where there is no `Providers` to import.
#if canImport(Providers)
import Providers
#endif

/// Checks a request body against the rules every route shares before any decoding (issue 14
/// row 12): strict RFC 8259 syntax, valid UTF-8, no key twice in one object, every number finite
/// as a `Double` (`1e999` is refused everywhere, not only where a field happens to be a number),
/// and at most `maxDepth` levels of nesting. Foundation's decoder alone let a duplicate key keep
/// its first value and accepted an infinite number in a field nobody decoded.
struct StrictJSONScanner {
    /// What was wrong, and where (`messages[0].content`; "" for the body itself).
    enum Violation: Error, Equatable {
        case syntax
        case invalidUTF8
        case duplicateKey(path: String)
        case numberOutOfRange(path: String)
        case tooDeep
    }

    static let maxDepth = 128

    private let bytes: [UInt8]
    private var index = 0
    private var path: [String] = []

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func validate(_ bytes: [UInt8]) throws(Violation) {
        var scanner = StrictJSONScanner(bytes)
        scanner.skipWhitespace()
        try scanner.value(depth: 0)
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw .syntax }
    }

    private var pathText: String {
        path.reduce("") { text, part in
            part.hasPrefix("[") || text.isEmpty ? text + part : text + "." + part
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func value(depth: Int) throws(Violation) {
        guard depth < Self.maxDepth else { throw .tooDeep }
        guard index < bytes.count else { throw .syntax }
        switch bytes[index] {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Violation) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .syntax }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw .syntax }
        index += count
    }

    private mutating func object(depth: Int) throws(Violation) {
        if opensEmpty(closedBy: UInt8(ascii: "}")) { return }
        var keys = Set<String>()
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .syntax }
            let key = try string()
            path.append(key)
            guard keys.insert(key).inserted else { throw .duplicateKey(path: pathText) }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw .syntax }
            index += 1
            skipWhitespace()
            try value(depth: depth + 1)
            path.removeLast()
            if try closesAfterEntry(closedBy: UInt8(ascii: "}")) { return }
        }
    }

    private mutating func array(depth: Int) throws(Violation) {
        if opensEmpty(closedBy: UInt8(ascii: "]")) { return }
        var element = 0
        while true {
            path.append("[\(element)]")
            try value(depth: depth + 1)
            path.removeLast()
            element += 1
            if try closesAfterEntry(closedBy: UInt8(ascii: "]")) { return }
        }
    }

    /// Steps past a container's opening bracket and the white space after it; true, past its
    /// `closing` bracket too, when the container is empty.
    private mutating func opensEmpty(closedBy closing: UInt8) -> Bool {
        index += 1
        skipWhitespace()
        guard index < bytes.count, bytes[index] == closing else { return false }
        index += 1
        return true
    }

    /// After a member or an element: steps past the comma and the white space before the next
    /// one (false), or past the container's `closing` bracket (true).
    private mutating func closesAfterEntry(closedBy closing: UInt8) throws(Violation) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw .syntax }
        if bytes[index] == closing {
            index += 1
            return true
        }
        guard bytes[index] == UInt8(ascii: ",") else { throw .syntax }
        index += 1
        skipWhitespace()
        return false
    }

    /// A string starting at `index` (its opening quote); returns its decoded text.
    private mutating func string() throws(Violation) -> String {
        index += 1
        let contentStart = index
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(upTo end: Int) throws(Violation) {
            guard runStart < end else { return }
            guard let text = String(validUTF8: bytes[runStart..<end]) else { throw .invalidUTF8 }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\"") where runStart == contentStart:
                // No escapes: the text is the bytes as they are.
                guard let text = String(validUTF8: bytes[contentStart..<index]) else { throw .invalidUTF8 }
                index += 1
                return text
            case UInt8(ascii: "\""):
                try flushRun(upTo: index)
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flushRun(upTo: index)
                index += 1
                guard index < bytes.count else { throw .syntax }
                let escape = bytes[index]
                index += 1
                if let scalar = JSONValue.unescaped(escape) {
                    scalars.append(scalar)
                } else if escape == UInt8(ascii: "u") {
                    scalars.append(try unicodeEscape())
                } else {
                    throw .syntax
                }
                runStart = index
            case 0..<0x20:
                throw .syntax
            default:
                index += 1
            }
        }
        throw .syntax
    }

    /// The scalar of `\uXXXX` (a surrogate pair takes two); an unpaired surrogate is invalid UTF-16.
    private mutating func unicodeEscape() throws(Violation) -> Unicode.Scalar {
        let first = try hex4()
        if (0xD800...0xDBFF).contains(first) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw .invalidUTF8 }
            index += 2
            let second = try hex4()
            guard (0xDC00...0xDFFF).contains(second) else { throw .invalidUTF8 }
            let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            guard let scalar = Unicode.Scalar(value) else { throw .invalidUTF8 }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else { throw .invalidUTF8 }
        return scalar
    }

    private mutating func hex4() throws(Violation) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .syntax }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = UInt32(String(UnicodeScalar(bytes[index])), radix: 16) else { throw .syntax }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func number() throws(Violation) {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { throw .syntax }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw .syntax }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw .syntax }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw .syntax }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let parsed = Double(text), parsed.isFinite else { throw .numberOutOfRange(path: pathText) }
    }
}
