/// The top-level fields of one BSON document, in document order, decoded from its bytes.
///
/// It exists as the read side of `BSONDocument`: a reply or a cursor document is decoded once
/// into plain Swift values (`reply["writeErrors"]?.array`), which are `Sendable` and can leave the
/// thread-pool closure that produced them, unlike the `bson_t` they came from.
public struct BSONFields: Sendable, Equatable {
    /// The fields in document order (BSON allows duplicate keys; lookups take the first).
    public var fields: [(key: String, value: BSONValue)]

    public init(_ fields: [(key: String, value: BSONValue)] = []) {
        self.fields = fields
    }

    /// The first field named `key`.
    public subscript(key: String) -> BSONValue? {
        fields.first { $0.key == key }?.value
    }

    /// The field names in order.
    public var keys: [String] { fields.map(\.key) }

    public static func == (lhs: BSONFields, rhs: BSONFields) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Decodes one complete BSON document.
    ///
    /// - Throws: `MongoError(.invalidDocument)` when the bytes are not a well-formed document.
    public init(bytes: some Collection<UInt8>) throws(MongoError) {
        let array = Array(bytes)
        var reader = BSONReader(bytes: array)
        self = try reader.readDocument(at: 0, end: array.count)
    }
}
