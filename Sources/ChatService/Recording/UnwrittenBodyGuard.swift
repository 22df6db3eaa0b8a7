import Synchronization

/// Runs a streamed response's "the client never saw it" work when its body is released without
/// ever having run.
///
/// A streaming route returns its `Response` once the first chunk exists; Hummingbird then writes
/// the head and only then runs the body, which stores the call and lets go of the provider's
/// stream. When the client leaves in between, writing the head fails and the body never runs:
/// without this the call would leave no document (issue 14 row 1) and an Ollama stream would
/// keep its heavy model's turn. The body calls `bodyStarted()` first thing; released before
/// that, the guard runs `onUnwritten` in a task of its own.
final class UnwrittenBodyGuard: Sendable {
    /// What the stored document says of such a call.
    static let message =
        "the client closed the connection before the stream's first byte was sent; the upstream request was cancelled"

    private let started = Mutex(false)
    private let onUnwritten: @Sendable () async -> Void

    init(onUnwritten: @escaping @Sendable () async -> Void) {
        self.onUnwritten = onUnwritten
    }

    /// From here on the body stores the call itself.
    func bodyStarted() {
        started.withLock { $0 = true }
    }

    deinit {
        guard !started.withLock({ $0 }) else { return }
        let work = onUnwritten
        Task { await work() }
    }
}
