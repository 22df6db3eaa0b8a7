/// One `record` call waiting for its document to be acknowledged: the document and the
/// continuation that wakes the caller with its own outcome.
struct PendingWrite: Sendable {
    var interaction: Interaction
    var continuation: CheckedContinuation<Result<Void, PersistenceError>, Never>

    func complete(_ result: Result<Void, PersistenceError>) {
        continuation.resume(returning: result)
    }
}
