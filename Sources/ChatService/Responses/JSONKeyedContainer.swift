/// An object of an `OrderedJSONEncoder` document: each key gets a child node, in encoding order.
/// Scalars are written straight into the child (as `JSONSingleValueContainer` writes them);
/// anything else is encoded through the child's own encoder.
struct JSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: JSONNode
    let codingPath: [any CodingKey]

    // Scalars are written into the key's node directly (what `JSONSingleValueContainer` would
    // write): going through `encode(to:)` would build a coding path and an encoder per key.
    mutating func encodeNil(forKey key: Key) throws { node.child(forKey: key.stringValue).setLiteral("null") }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        node.child(forKey: key.stringValue).setLiteral(value ? "true" : "false")
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        node.child(forKey: key.stringValue).setString(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws { try encodeNumber(value, forKey: key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try encodeNumber(value, forKey: key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { encodeInteger(value, forKey: key) }
    mutating func encode(_ value: some Encodable, forKey key: Key) throws { try encodeValue(value, forKey: key) }

    private func encodeInteger(_ value: some BinaryInteger, forKey key: Key) {
        node.child(forKey: key.stringValue).setLiteral(String(value))
    }

    private func encodeNumber<Value: BinaryFloatingPoint & LosslessStringConvertible>(
        _ value: Value, forKey key: Key
    ) throws {
        try node.child(forKey: key.stringValue).setNumber(value, codingPath: codingPath + [key])
    }

    private func encodeValue(_ value: some Encodable, forKey key: Key) throws {
        try node.child(forKey: key.stringValue).encode(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        JSONNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
            .container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        JSONNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        JSONNodeEncoder(node: node.child(forKey: "super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        JSONNodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}
