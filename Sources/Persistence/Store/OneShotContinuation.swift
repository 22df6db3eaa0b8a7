import Synchronization

/// A continuation that may be resumed from several racing places (a result and a deadline);
/// the first resume wins and the rest are ignored.
///
/// It exists so `ping(timeout:)` can stop waiting for a blocking libmongoc call that is still
/// running (C calls cannot be cancelled) without resuming a continuation twice.
final class OneShotContinuation<Value: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

    func install(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation.withLock { $0 = continuation }
    }

    func resume(returning value: Value) {
        let taken = continuation.withLock { slot -> CheckedContinuation<Value, Never>? in
            defer { slot = nil }
            return slot
        }
        taken?.resume(returning: value)
    }
}
