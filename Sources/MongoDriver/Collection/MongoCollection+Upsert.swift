import CMongoc

extension MongoCollection {
    /// What one `updateOne(filter:update:upsert:)` did, from the server's reply.
    public struct UpdateOutcome: Sendable, Equatable {
        /// Documents that matched the filter (0 or 1).
        public var matched: Int
        /// Documents the update changed (0 when it changed nothing, e.g. `$inc` by 0).
        public var modified: Int
        /// True when no document matched and the update inserted one (`upsert`).
        public var upserted: Bool
    }

    /// Applies `update` to the first document matching `filter`, atomically on the server; with
    /// `upsert`, inserts a document built from the filter's equality fields and the update when
    /// none matches.
    ///
    /// A conditional filter (`{_id: X, n: {$lt: 10}}`) plus `$inc` is a compare-and-increment:
    /// when `X` exists but fails the condition, the upsert's insert collides with it and this
    /// throws `MongoError` with code `.duplicateKey`, which the caller reads as "condition false".
    /// BLOCKS (network I/O): thread-pool threads only.
    public func updateOne(
        filter: BSONDocument, update: BSONDocument, upsert: Bool
    ) throws(MongoError) -> UpdateOutcome {
        let options = BSONDocument()
        options.append("upsert", bool: upsert)
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard
            mongoc_collection_update_one(
                pointer, filter.pointer, update.pointer, options.pointer, reply.pointer, &error)
        else {
            throw MongoError(error, fallback: .writeFailed, context: "update in \(namespace)")
        }
        let fields = try reply.decoded()
        return UpdateOutcome(
            matched: fields["matchedCount"]?.integer ?? 0, modified: fields["modifiedCount"]?.integer ?? 0,
            upserted: (fields["upsertedCount"]?.integer ?? 0) > 0 || fields["upsertedId"] != nil)
    }
}
