/// One interaction waiting to be written to the log: its framed bytes, the interaction's
/// `requestedAt` (for the log's age figures), whether the caller waits for the write or for the
/// fsync, and what wakes the caller.
struct SpoolAppend: Sendable {
    /// When `completion` runs.
    enum Acknowledgement: Sendable {
        /// Once the record is in the page cache (`DURABILITY=process`).
        case written
        /// Once the record is fsync'd.
        case synced
    }

    let frame: [UInt8]
    let requestedAtMilliseconds: Int64
    let acknowledgement: Acknowledgement
    /// Called exactly once, with the outcome and, on success, where the record ends in the log.
    let completion: @Sendable (Result<SpoolPosition, PersistenceError>) -> Void

    func complete(_ result: Result<SpoolPosition, PersistenceError>) {
        completion(result)
    }
}

/// A place in the log: the byte just past a record in segment `segment`. Positions order the log
/// (segment ids grow), so "shipped through P" says which records MongoDB has.
struct SpoolPosition: Sendable, Comparable {
    var segment: UInt64
    var offset: Int

    static func < (lhs: SpoolPosition, rhs: SpoolPosition) -> Bool {
        (lhs.segment, lhs.offset) < (rhs.segment, rhs.offset)
    }
}
