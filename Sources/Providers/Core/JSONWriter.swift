import NIOCore

/// Compact JSON written straight into a `ByteBuffer`: the bodies the service writes by hand
/// (Ollama's `/api/chat` request, the `/v1/chat` answer), in place of an encoder's coding path,
/// container and boxed value per field, and `JSONValue.serialized`.
///
/// Commas are the writer's business: call `key(_:)` before each member's value, and write an
/// array's values one after another. Strings are escaped as `JSONValue.serialized` always did
/// (`\"`, `\\`, `\n`, `\r`, `\t`, other controls as `\u00XX`, everything else as it is). A number
/// that is not finite is written as `null` and noted in `wroteNonFiniteNumber`, since
/// `JSONEncoder` refuses one and a caller replacing it may need to do the same.
public struct JSONWriter {
    public private(set) var buffer: ByteBuffer
    public private(set) var wroteNonFiniteNumber = false
    /// Whether the next member or element needs a comma before it.
    private var needsComma = false

    public init(capacity: Int = 256) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    public mutating func beginObject() {
        separate()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        buffer.writeInteger(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        buffer.writeInteger(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member name of our own wire format: plain ASCII that needs no escaping.
    public mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
        needsComma = false
    }

    /// A member name from elsewhere (a caller's schema), escaped.
    public mutating func key(_ name: String) {
        string(name)
        buffer.writeInteger(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { writeEscaped($0) }
        buffer.writeInteger(UInt8(ascii: "\""))
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        separate()
        buffer.writeStaticString(value ? "true" : "false")
        needsComma = true
    }

    public mutating func null() {
        separate()
        buffer.writeStaticString("null")
        needsComma = true
    }

    public mutating func integer(_ value: some BinaryInteger) {
        separate()
        buffer.writeString(String(value))
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
            buffer.writeString(String(value))
            needsComma = true
        }
    }

    /// `text` as it is: JSON the caller formatted (a number written by another rule).
    public mutating func literal(_ text: String) {
        separate()
        buffer.writeString(text)
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
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    private mutating func separate() {
        if needsComma { buffer.writeInteger(UInt8(ascii: ",")) }
    }

    /// Writes `bytes` (UTF-8), escaping quotes, backslashes and control characters; the runs
    /// between them are copied whole.
    private mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        for offset in 0..<bytes.count {
            let byte = bytes[offset]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            buffer.writeBytes(bytes[runStart..<offset])
            runStart = offset + 1
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0x0F)])
            }
        }
        buffer.writeBytes(bytes[runStart...])
    }
}
