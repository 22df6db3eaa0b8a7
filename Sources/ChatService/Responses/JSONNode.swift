import NIOCore

/// One value of a JSON document that `OrderedJSONEncoder` is building. Objects keep their keys in
/// the order they were first encoded (a key encoded twice keeps its first place and its last
/// value); `write(into:)` then serializes the tree straight into a `ByteBuffer`.
///
/// A class, because a nested container keeps filling its node after the parent has linked it.
final class JSONNode {
    private enum Kind {
        /// Nothing encoded yet; written as `{}` (what a value with no properties encodes to).
        case empty
        /// `null`, `true`, `false` or a number, already in JSON syntax.
        case literal(String)
        case string(String)
        case array
        case object
    }

    private var kind = Kind.empty
    /// The array's elements, or the object's values in key order.
    private var children: [JSONNode] = []
    /// The object's keys, parallel to `children`. Searched linearly: objects here have a few
    /// dozen keys at most, where comparing short strings beats hashing them.
    private var keys: [String] = []

    var count: Int { children.count }

    func setLiteral(_ text: String) {
        kind = .literal(text)
    }

    func setString(_ text: String) {
        kind = .string(text)
    }

    /// Makes this node an empty object unless it already is one.
    func makeObject() {
        become(.object)
    }

    /// Makes this node an empty array unless it already is one.
    func makeArray() {
        become(.array)
    }

    /// The node of `key`, made an object first if it is not one yet.
    func child(forKey key: String) -> JSONNode {
        become(.object)
        let node = JSONNode()
        if let index = keys.firstIndex(of: key) {
            children[index] = node
        } else {
            keys.append(key)
            children.append(node)
        }
        return node
    }

    /// A new last element, made an array first if it is not one yet.
    func appendChild() -> JSONNode {
        become(.array)
        let node = JSONNode()
        children.append(node)
        return node
    }

    private func become(_ container: Kind) {
        switch (kind, container) {
        case (.object, .object), (.array, .array): return
        default:
            kind = container
            children = []
            keys = []
        }
    }

    func write(into buffer: inout ByteBuffer) {
        switch kind {
        case .empty:
            buffer.writeStaticString("{}")
        case .literal(let text):
            buffer.writeString(text)
        case .string(let text):
            Self.writeQuoted(text, into: &buffer)
        case .array:
            buffer.writeInteger(UInt8(ascii: "["))
            for (index, child) in children.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                child.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "]"))
        case .object:
            buffer.writeInteger(UInt8(ascii: "{"))
            for (index, child) in children.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: ",")) }
                Self.writeQuoted(keys[index], into: &buffer)
                buffer.writeInteger(UInt8(ascii: ":"))
                child.write(into: &buffer)
            }
            buffer.writeInteger(UInt8(ascii: "}"))
        }
    }

    /// A JSON string (RFC 8259 §7): `"` and `\` escaped, control characters as `\n`-style or
    /// `\u00XX` escapes, everything else (slashes, non-ASCII) as UTF-8.
    private static func writeQuoted(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for (index, byte) in bytes.enumerated()
            where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                buffer.writeBytes(bytes[runStart..<index])
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                default:
                    let hex = String(byte, radix: 16)
                    buffer.writeString("\\u00" + (hex.count == 1 ? "0" + hex : hex))
                }
            }
            buffer.writeBytes(bytes[runStart...])
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }
}
