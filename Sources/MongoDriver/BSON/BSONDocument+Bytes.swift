import CMongoc

/// Raw BSON bytes in and out, for the spool: it stores exactly the bytes MongoDB would receive
/// and replays them without a round trip through `Interaction`.
extension BSONDocument {
    /// A copy of `bytes`, which must be one complete BSON document.
    public convenience init(bytes: [UInt8]) throws(MongoError) {
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return nil }
            return bson_new_from_data(base, buffer.count)
        }
        guard let parsed else {
            throw MongoError(code: .invalidDocument, message: "not a BSON document (\(bytes.count) bytes)")
        }
        self.init(taking: parsed)
    }

    /// The encoded document.
    public var bytes: [UInt8] {
        guard let data = bson_get_data(pointer) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: byteCount))
    }
}

extension BSONDocument {
    /// The document's fields decoded into Swift values (see `BSONFields`).
    ///
    /// - Throws: `MongoError(.invalidDocument)` if libbson holds malformed bytes (cannot happen
    ///   for a document libbson built or validated).
    public func decoded() throws(MongoError) -> BSONFields {
        guard let data = bson_get_data(pointer) else { return BSONFields() }
        return try BSONFields(bytes: UnsafeBufferPointer(start: data, count: byteCount))
    }
}
