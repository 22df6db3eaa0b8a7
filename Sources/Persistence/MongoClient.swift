import CMongoc

/// A `mongoc_client_t` borrowed from a `MongoClientPool` for the duration of one `withClient`
/// closure; it must not escape that closure (the pool takes the client back afterwards).
///
/// It exists to give the blocking libmongoc calls we use (commands, collections) typed Swift
/// signatures that throw `PersistenceError`. It owns nothing, so it frees nothing.
struct MongoClient {
    let pointer: OpaquePointer

    /// A handle on `database.collection`, freed when the returned object is released.
    func collection(database: String, name: String) -> MongoCollection {
        MongoCollection(pointer: mongoc_client_get_collection(pointer, database, name))
    }

    /// Runs a read-style command (`ping`, `listIndexes`-free commands) and returns the reply.
    func command(database: String, _ command: BSONDocument, context: String) throws(PersistenceError) -> BSONDocument {
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard mongoc_client_command_simple(pointer, database, command.pointer, nil, reply.pointer, &error) else {
            throw PersistenceError(error, fallback: .commandFailed, context: context)
        }
        return reply
    }

    /// Runs a write command (`createIndexes`), applying the client's write concern.
    func writeCommand(database: String, _ command: BSONDocument, context: String) throws(PersistenceError)
        -> BSONDocument
    {
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard mongoc_client_write_command_with_opts(pointer, database, command.pointer, nil, reply.pointer, &error)
        else {
            throw PersistenceError(error, fallback: .commandFailed, context: context)
        }
        return reply
    }
}
