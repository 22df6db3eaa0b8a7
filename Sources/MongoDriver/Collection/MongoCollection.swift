import CMongoc

/// One `mongoc_collection_t *`, destroyed in `deinit`.
///
/// It exists so insert/find/count against a collection have Swift signatures and so the handle is
/// freed in one place. It is only valid while the client it came from is checked out, so callers
/// get it inside `MongoDatabase.withCollection` and must not let it escape. Every method BLOCKS
/// (network I/O): thread-pool threads only.
public final class MongoCollection {
    let pointer: OpaquePointer
    /// `database.collection`, for error messages.
    public let namespace: String

    init(pointer: OpaquePointer, namespace: String) {
        self.pointer = pointer
        self.namespace = namespace
    }

    deinit {
        mongoc_collection_destroy(pointer)
    }

    /// The outcome of `insertMany`: libmongoc's verdict plus the parts of the server reply that say
    /// which documents failed (for a partly failed unordered bulk write).
    public struct InsertManyOutcome: Sendable {
        /// libmongoc's overall error; nil when every document was inserted.
        public var error: MongoError?
        public var reply: BulkWriteReply

        public var succeeded: Bool { error == nil }
    }

    /// `insert_many` with `{ordered: false}` (or `true`: stop at the first failing document) and
    /// the collection's write concern (journaled unless the URI says otherwise).
    /// `validate: false` skips libmongoc's client-side check of every document (UTF-8 of every
    /// string, no empty, dotted or `$` keys: a walk of each document before it is sent) for
    /// documents this process built itself; the server still checks what it stores.
    /// Never throws: a partial failure must be untangled per document by the caller.
    public func insertMany(
        _ documents: [BSONDocument], ordered: Bool = false, validate: Bool = true
    ) -> InsertManyOutcome {
        let options = BSONDocument()
        options.append("ordered", bool: ordered)
        if !validate { options.append("validate", bool: false) }
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        var pointers: [OpaquePointer?] = documents.map { $0.pointer }
        let succeeded = withExtendedLifetime(documents) {
            pointers.withUnsafeMutableBufferPointer { buffer in
                mongoc_collection_insert_many(
                    pointer, buffer.baseAddress, buffer.count, options.pointer, reply.pointer, &error)
            }
        }
        let context = "insert into \(namespace)"
        return InsertManyOutcome(
            error: succeeded ? nil : MongoError(error, fallback: .writeFailed, context: context),
            reply: BulkWriteReply(reply, context: context))
    }

    /// Inserts one document with the collection's write concern.
    public func insertOne(_ document: BSONDocument) throws(MongoError) {
        var error = bson_error_t()
        guard mongoc_collection_insert_one(pointer, document.pointer, nil, nil, &error) else {
            throw MongoError(error, fallback: .writeFailed, context: "insert into \(namespace)")
        }
    }

    /// Applies `update` to the first document matching `filter`; returns how many matched.
    public func updateOne(filter: BSONDocument, update: BSONDocument) throws(MongoError) -> Int {
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard mongoc_collection_update_one(pointer, filter.pointer, update.pointer, nil, reply.pointer, &error) else {
            throw MongoError(error, fallback: .writeFailed, context: "update in \(namespace)")
        }
        return try reply.decoded()["matchedCount"]?.integer ?? 0
    }

    /// Up to `limit` documents matching `filter` (0: no limit), in `_id` order (or in `sort`
    /// order; an empty `sort` document means the server's natural order).
    public func find(
        filter: BSONDocument, limit: Int = 0, sort: BSONDocument? = nil
    ) throws(MongoError) -> [BSONDocument] {
        let options = BSONDocument()
        if limit > 0 { options.append("limit", int64: Int64(limit)) }
        let order = sort ?? BSONDocument()
        if sort == nil { order.append("_id", int32: 1) }
        if order.count > 0 { options.append("sort", document: order) }
        let cursor = MongoCursor(
            pointer: mongoc_collection_find_with_opts(pointer, filter.pointer, options.pointer, nil))
        return try cursor.all(context: "find in \(namespace)")
    }

    /// The number of documents matching `filter`.
    public func countDocuments(filter: BSONDocument) throws(MongoError) -> Int {
        var error = bson_error_t()
        let count = mongoc_collection_count_documents(pointer, filter.pointer, nil, nil, nil, &error)
        guard count >= 0 else {
            throw MongoError(error, fallback: .commandFailed, context: "count in \(namespace)")
        }
        return Int(count)
    }

    /// The collection's index descriptions (`{"v":…, "key":{…}, "name":…}`).
    public func listIndexes() throws(MongoError) -> [BSONDocument] {
        let cursor = MongoCursor(pointer: mongoc_collection_find_indexes_with_opts(pointer, nil))
        return try cursor.all(context: "listIndexes on \(namespace)")
    }

    /// Runs an aggregation; `pipeline` is a document `{"pipeline": [...]}` as libmongoc accepts it.
    public func aggregate(pipeline: BSONDocument) throws(MongoError) -> [BSONDocument] {
        let cursor = MongoCursor(
            pointer: mongoc_collection_aggregate(pointer, MONGOC_QUERY_NONE, pipeline.pointer, nil, nil))
        return try cursor.all(context: "aggregate on \(namespace)")
    }
}
