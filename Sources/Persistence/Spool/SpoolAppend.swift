/// One `append` call waiting for its record to be fsync'd: the framed bytes, the interaction's
/// `requestedAt` (for the spool's age figure) and what wakes the caller (a continuation's resume).
struct SpoolAppend: Sendable {
    let frame: [UInt8]
    let requestedAtMilliseconds: Int64
    /// Called exactly once, with the outcome.
    let completion: @Sendable (Result<Void, PersistenceError>) -> Void

    func complete(_ result: Result<Void, PersistenceError>) {
        completion(result)
    }
}
