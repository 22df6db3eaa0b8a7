import CMongoc

/// The parts of a bulk insert's reply that decide each document's fate: `writeErrors[]`
/// (per-document failures by index), `writeConcernErrors[]`, and the inserted count.
///
/// It exists because libmongoc reports a partly failed `insert_many` as one error; only the
/// reply says which documents failed. Read from the reply's BSON directly; each server error is
/// classified like any other `MongoError` (a duplicate key is `.duplicateKey`).
public struct BulkWriteReply: Sendable {
    /// One failed document.
    public struct WriteError: Sendable {
        /// Its index in the batch that was sent.
        public var index: Int
        public var error: MongoError
    }

    public var writeErrors: [WriteError] = []
    /// Each write concern error, classified.
    public var writeConcernErrors: [MongoError] = []
    /// `insertedCount` (libmongoc's CRUD-spec name) or `nInserted`, when present.
    public var insertedCount: Int?

    init(_ reply: BSONDocument, context: String) {
        guard let fields = try? reply.decoded() else { return }
        insertedCount = fields["insertedCount"]?.integer ?? fields["nInserted"]?.integer
        for entry in fields["writeErrors"]?.array ?? [] {
            guard let entry = entry.document, let index = entry["index"]?.integer else { continue }
            writeErrors.append(
                WriteError(
                    index: index,
                    error: Self.error(
                        entry, domain: MONGOC_ERROR_SERVER.rawValue, context: context, fallbackMessage: "write error")))
        }
        for entry in fields["writeConcernErrors"]?.array ?? [] {
            guard let entry = entry.document else { continue }
            writeConcernErrors.append(
                Self.error(
                    entry, domain: MONGOC_ERROR_WRITE_CONCERN.rawValue,
                    context: "\(context): write concern not satisfied",
                    fallbackMessage: "write concern error"))
        }
    }

    private static func error(
        _ entry: BSONFields, domain: UInt32, context: String, fallbackMessage: String
    ) -> MongoError {
        let code = UInt32(clamping: entry["code"]?.integer ?? 0)
        return MongoError(
            code: MongoError.classify(domain: domain, code: code, fallback: .writeFailed),
            domain: domain, mongoCode: code,
            message: "\(context): \(entry["errmsg"]?.string ?? fallbackMessage)")
    }
}
