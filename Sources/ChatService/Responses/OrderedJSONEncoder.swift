import NIOCore

/// Encodes `Encodable` values as compact JSON straight into a `ByteBuffer`, with object keys in
/// the order the value encodes them (declaration order for synthesized conformances).
///
/// It exists because Foundation's `JSONEncoder` on Linux writes keys in hash order, which changes
/// from one process to the next, and `.sortedKeys` cannot give the order SPEC §3.1 shows. It
/// serves this service's wire types: strings, numbers, booleans, `nil`, arrays and objects; it
/// has no date or data strategies (`Date` and `Data` encode as their own `encode(to:)` says).
struct OrderedJSONEncoder {
    /// Appends `value` as JSON after the bytes already in `buffer`.
    func encode(_ value: some Encodable, into buffer: inout ByteBuffer) throws {
        let root = JSONNode()
        try value.encode(to: JSONNodeEncoder(node: root, codingPath: []))
        root.write(into: &buffer)
    }
}

/// The `Encoder` handed to `encode(to:)`: every container it makes writes into `node`.
struct JSONNodeEncoder: Encoder {
    let node: JSONNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.makeObject()
        return KeyedEncodingContainer(JSONKeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.makeArray()
        return JSONUnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONSingleValueContainer(node: node, codingPath: codingPath)
    }
}

extension JSONNode {
    /// Encodes `value` into this node; `codingPath` is where it sits, for error messages.
    func encode(_ value: some Encodable, codingPath: [any CodingKey]) throws {
        try value.encode(to: JSONNodeEncoder(node: self, codingPath: codingPath))
    }

    /// A JSON number for a floating-point value, as `JSONEncoder` writes it (`1` not `1.0`);
    /// NaN and infinities have no JSON form.
    func setNumber<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: Value, codingPath: [any CodingKey]
    ) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) is not a valid JSON number"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        setLiteral(text)
    }
}
