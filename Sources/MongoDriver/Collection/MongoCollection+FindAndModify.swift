import CMongoc

extension MongoCollection {
    /// Applies `update` to the first document matching `filter`, atomically on the server, and
    /// returns the document as it is after the update (`nil` when none matched and nothing was
    /// inserted). With `upsert`, inserts a document built from the filter's equality fields.
    ///
    /// It is `updateOne` for callers that must know what the update left behind (a counter's new
    /// value) without a second round trip. As with `updateOne`, a conditional filter on an
    /// existing `_id` plus `upsert` throws `.duplicateKey` when the condition is false.
    /// BLOCKS (network I/O): thread-pool threads only.
    public func findOneAndUpdate(
        filter: BSONDocument, update: BSONDocument, upsert: Bool
    ) throws(MongoError) -> BSONFields? {
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard
            mongoc_collection_find_and_modify(
                pointer, filter.pointer, nil, update.pointer, nil, false, upsert, true, reply.pointer, &error)
        else {
            throw MongoError(error, fallback: .writeFailed, context: "findAndModify in \(namespace)")
        }
        return try reply.decoded()["value"]?.document
    }
}
