import NIOCore

/// Compact JSON written straight into a `ByteBuffer`: the bodies the service writes by hand
/// (Ollama's `/api/chat` request, the `/v1/chat` answer), in place of an encoder's coding path,
/// container and boxed value per field, and `JSONValue.serialized`.
///
/// Commas are the writer's business: call `key(_:)` (or `escapedKey(_:)` for a name that is not
/// our own) before each member's value, and write an array's values one after another. Strings are escaped as `JSONValue.serialized` always did
/// (`\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u00XX`, everything else as it is). A number
/// that is not finite is written as `null` and noted in `wroteNonFiniteNumber`, since
/// `JSONEncoder` refuses one and a caller replacing it may need to do the same.
public struct JSONWriter {
    /// The text so far. An array, not the `ByteBuffer` itself: appending a byte to an array is a
    /// store, `ByteBuffer.writeInteger` ~240 instructions.
    private var bytes: [UInt8] = []
    public private(set) var wroteNonFiniteNumber = false
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The text written, in a buffer of its own.
    public var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    /// The text written, as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member name of our own wire format: plain ASCII that needs no escaping.
    public mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// A member name from elsewhere (a caller's schema), escaped.
    public mutating func escapedKey(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { writeEscaped($0) }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
        needsComma = true
    }

    public mutating func null() {
        separate()
        append("null")
        needsComma = true
    }

    public mutating func integer(_ value: some BinaryInteger) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// A whole number below 10^15 without a fraction (`1`, not `1.0`), anything else as Swift
    /// prints it (`0.7`, `1e+20`); `null` for NaN and ±infinity.
    public mutating func number(_ value: Double) {
        guard value.isFinite else {
            wroteNonFiniteNumber = true
            null()
            return
        }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
        } else {
            separate()
            bytes.append(contentsOf: String(value).utf8)
            needsComma = true
        }
    }

    /// `text` as it is: JSON the caller formatted (a number written by another rule).
    public mutating func literal(_ text: String) {
        separate()
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let value): bool(value)
        case .integer(let value): integer(value)
        case .number(let value): number(value)
        case .string(let value): string(value)
        case .array(let values):
            beginArray()
            for value in values { self.value(value) }
            endArray()
        case .object(let members):
            beginObject()
            for member in members {
                escapedKey(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    private mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Writes `bytes` (UTF-8), escaping quotes, backslashes and control characters; the runs
    /// between them are copied whole.
    private mutating func writeEscaped(_ text: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for offset in 0..<text.count {
            let byte = text[offset]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart..<offset]))
            runStart = offset + 1
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                append("\\u00")
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[runStart...]))
    }
}
