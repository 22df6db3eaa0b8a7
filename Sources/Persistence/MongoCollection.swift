import CMongoc

/// One `mongoc_collection_t *`, destroyed in `deinit`.
///
/// It exists so insert/find/count against a collection have Swift signatures and so the handle is
/// freed in one place. It is only valid while the `MongoClient` it came from is checked out, so it
/// is created and dropped inside one `MongoClientPool.withClient` closure.
final class MongoCollection {
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        mongoc_collection_destroy(pointer)
    }

    /// The outcome of `insertMany`: libmongoc's verdict plus the server reply, which for a partly
    /// failed unordered bulk write lists the failed documents in `writeErrors`.
    struct InsertManyOutcome {
        var succeeded: Bool
        var reply: BSONDocument
        var error: bson_error_t
    }

    /// `insert_many` with `{ordered: false}` (or `true`: stop at the first failing document) and
    /// the collection's (journaled) write concern.
    /// Never throws: a partial failure must be untangled per document by the caller.
    func insertMany(_ documents: [BSONDocument], ordered: Bool = false) -> InsertManyOutcome {
        let options = BSONDocument()
        options.append("ordered", bool: ordered)
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        var pointers: [OpaquePointer?] = documents.map { $0.pointer }
        let succeeded = withExtendedLifetime(documents) {
            pointers.withUnsafeMutableBufferPointer { buffer in
                mongoc_collection_insert_many(
                    pointer, buffer.baseAddress, buffer.count, options.pointer, reply.pointer, &error)
            }
        }
        return InsertManyOutcome(succeeded: succeeded, reply: reply, error: error)
    }

    /// Up to `limit` documents matching `filter`, as canonical extended JSON, in `_id` order
    /// (or in `sort` order; an empty `sort` document means the server's natural order).
    func find(filter: BSONDocument, limit: Int, sort: BSONDocument? = nil) throws(PersistenceError) -> [String] {
        let options = BSONDocument()
        if limit > 0 { options.append("limit", int64: Int64(limit)) }
        let order = sort ?? BSONDocument()
        if sort == nil { order.append("_id", int32: 1) }
        if order.count > 0 { options.append("sort", document: order) }
        let cursor = MongoCursor(pointer: mongoc_collection_find_with_opts(pointer, filter.pointer, options.pointer, nil))
        return try cursor.allCanonicalJSON(context: "find")
    }

    /// The number of documents matching `filter`.
    func countDocuments(filter: BSONDocument) throws(PersistenceError) -> Int {
        var error = bson_error_t()
        let count = mongoc_collection_count_documents(pointer, filter.pointer, nil, nil, nil, &error)
        guard count >= 0 else {
            throw PersistenceError(error, fallback: .commandFailed, context: "countDocuments")
        }
        return Int(count)
    }

    /// The collection's index descriptions (`{"v":…, "key":{…}, "name":…}`) as canonical JSON.
    func listIndexes() throws(PersistenceError) -> [String] {
        let cursor = MongoCursor(pointer: mongoc_collection_find_indexes_with_opts(pointer, nil))
        return try cursor.allCanonicalJSON(context: "listIndexes")
    }
}
