import Synchronization

/// Records the backoff delays a `ProviderChain` asks for and returns at once, so a test can check
/// a `Retry-After` or `RetryInfo` was honoured without waiting it out.
public final class SleepRecorder: Sendable {
    private let recorded = Mutex<[Duration]>([])

    public init() {}

    /// Every delay asked for, in order.
    public var durations: [Duration] { recorded.withLock { $0 } }

    /// Pass as the chain's `sleep`.
    public var sleep: @Sendable (Duration) async throws -> Void {
        { duration in
            self.recorded.withLock { $0.append(duration) }
            try Task.checkCancellation()
        }
    }
}
