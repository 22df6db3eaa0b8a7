import CMongoc
import Foundation

extension MongoCollection {
    /// Runs an aggregation; `pipeline` is a document `{"pipeline": [...]}` as libmongoc accepts it.
    /// BLOCKING: thread-pool threads only.
    func aggregate(pipeline: BSONDocument, context: String) throws(PersistenceError) -> [String] {
        let cursor = MongoCursor(
            pointer: mongoc_collection_aggregate(pointer, MONGOC_QUERY_NONE, pipeline.pointer, nil, nil))
        return try cursor.allCanonicalJSON(context: context)
    }

    /// Inserts one document with the collection's (the URI's, journaled by default) write concern.
    /// BLOCKING: thread-pool threads only.
    func insertOne(_ document: BSONDocument, context: String) throws(PersistenceError) {
        var error = bson_error_t()
        guard mongoc_collection_insert_one(pointer, document.pointer, nil, nil, &error) else {
            throw PersistenceError(error, fallback: .writeFailed, context: context)
        }
    }

    /// Applies `update` to the first document matching `filter`; returns how many matched.
    /// BLOCKING: thread-pool threads only.
    func updateOne(filter: BSONDocument, update: BSONDocument, context: String) throws(PersistenceError) -> Int {
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard mongoc_collection_update_one(pointer, filter.pointer, update.pointer, nil, reply.pointer, &error) else {
            throw PersistenceError(error, fallback: .writeFailed, context: context)
        }
        // bson_iter_t is over-aligned and imports as opaque; read the small reply as JSON instead.
        let object = (try? JSONSerialization.jsonObject(with: Data(reply.canonicalExtendedJSON.utf8))) as? [String: Any]
        return InteractionStore.integer(object?["matchedCount"])
    }
}
