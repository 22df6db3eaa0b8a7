import CMongoc

/// One `mongoc_cursor_t *`, destroyed in `deinit`; valid only while its client is checked out.
///
/// It exists to turn libmongoc's "next until false, then check the error" protocol into one call
/// that returns every document or throws.
final class MongoCursor {
    private let pointer: OpaquePointer

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        mongoc_cursor_destroy(pointer)
    }

    /// Drains the cursor; each document (owned by the cursor, valid until the next call) is
    /// copied into a `BSONDocument` of its own.
    func all(context: String) throws(MongoError) -> [BSONDocument] {
        var results: [BSONDocument] = []
        var current: OpaquePointer?
        while mongoc_cursor_next(pointer, &current) {
            if let current {
                results.append(BSONDocument(copying: current))
            }
        }
        var error = bson_error_t()
        if mongoc_cursor_error(pointer, &error) {
            throw MongoError(error, fallback: .commandFailed, context: context)
        }
        return results
    }
}
