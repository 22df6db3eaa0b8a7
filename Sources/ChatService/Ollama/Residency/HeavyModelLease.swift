import Synchronization

/// A heavy-model request's turn at the `HeavyModelGate`, held until its answer is complete (the
/// last line of a stream included) and handed on exactly once: by `release()`, or when the lease
/// is dropped, so a response that is never written cannot keep every later heavy request waiting.
final class HeavyModelLease: Sendable {
    private let gate: HeavyModelGate
    private let released = Atomic<Bool>(false)
    /// The heavy models this turn unloaded before its own was touched.
    let unloaded: [String]

    init(gate: HeavyModelGate, unloaded: [String]) {
        self.gate = gate
        self.unloaded = unloaded
    }

    deinit { release() }

    func release() {
        guard !released.exchange(true, ordering: .acquiringAndReleasing) else { return }
        gate.release()
    }
}
