/// Writes one scalar (or a nested value) into its node: the place every number, string and
/// boolean of an `OrderedJSONEncoder` document ends up.
struct JSONSingleValueContainer: SingleValueEncodingContainer {
    let node: JSONNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.setLiteral("null") }
    mutating func encode(_ value: Bool) throws { node.setLiteral(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { node.setString(value) }
    mutating func encode(_ value: Double) throws { try node.setNumber(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try node.setNumber(value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: Int8) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: Int16) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: Int32) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: Int64) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: UInt) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: UInt8) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: UInt16) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: UInt32) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: UInt64) throws { node.setLiteral(String(value)) }
    mutating func encode(_ value: some Encodable) throws { try node.encode(value, codingPath: codingPath) }
}
