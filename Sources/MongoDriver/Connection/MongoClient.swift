import CMongoc

/// A `mongoc_client_t` borrowed from a `MongoClientPool` for the duration of one `withClient`
/// closure; it must not escape that closure (the pool takes the client back afterwards).
///
/// It exists to give the blocking libmongoc calls (commands, collections) typed Swift signatures
/// that throw `MongoError`. It owns nothing, so it frees nothing.
public struct MongoClient {
    let pointer: OpaquePointer

    /// A handle on `database.collection`, freed when the returned object is released.
    public func collection(database: String, name: String) -> MongoCollection {
        MongoCollection(
            pointer: mongoc_client_get_collection(pointer, database, name), namespace: "\(database).\(name)")
    }

    /// Runs a read-style command (`ping`, `buildInfo`) and returns the reply.
    public func command(database: String, _ command: BSONDocument, context: String) throws(MongoError) -> BSONFields {
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard mongoc_client_command_simple(pointer, database, command.pointer, nil, reply.pointer, &error) else {
            throw MongoError(error, fallback: .commandFailed, context: context)
        }
        return try reply.decoded()
    }

    /// Runs a write command (`createIndexes`), applying the client's write concern.
    public func writeCommand(
        database: String, _ command: BSONDocument, context: String
    ) throws(MongoError) -> BSONFields {
        let reply = BSONDocument.outParameter()
        var error = bson_error_t()
        guard mongoc_client_write_command_with_opts(pointer, database, command.pointer, nil, reply.pointer, &error)
        else {
            throw MongoError(error, fallback: .commandFailed, context: context)
        }
        return try reply.decoded()
    }
}
