import Synchronization

/// The continuous clock plus an offset a test moves forward with `advance(by:)`, so a timeout or
/// deadline can be made to pass at once instead of being waited out in real seconds.
///
/// Time still flows as real time does; `advance` only adds to it, so nothing stalls when a test
/// does not advance. A sleeper wakes when real time or an advance brings `now` to its deadline.
/// Its instants are `ContinuousClock`'s, so it can stand behind the providers' clock.
public final class AdjustableClock: Clock, Sendable {
    public typealias Instant = ContinuousClock.Instant

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var offset: Duration = .zero
        var sleepers: [Int: Sleeper] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { ContinuousClock.now + state.withLock { $0.offset } }

    public var minimumResolution: Duration { ContinuousClock().minimumResolution }

    /// Moves the clock forward by `duration` and wakes every sleeper whose deadline that reaches.
    public func advance(by duration: Duration) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.offset += duration
            let now = ContinuousClock.now + state.offset
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// A backoff sleep that does not wait: it moves the clock on by the delay and returns, so a
    /// retry loop sees its time pass (deadlines included) at once.
    public var skippingSleep: @Sendable (Duration) async throws -> Void {
        { duration in
            try Task.checkCancellation()
            self.advance(by: duration)
        }
    }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        while now < deadline {
            let remaining = deadline - now
            // Whichever comes first: real time running out, or an advance past the deadline.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await Task.sleep(for: remaining) }
                group.addTask { try await self.waitForAdvance(past: deadline) }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    /// Returns once an `advance` brings `now` to `deadline`; throws when cancelled.
    private func waitForAdvance(past deadline: Instant) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Checked under the lock the cancellation handler takes, so a cancellation that
                // came before this registration is not missed.
                let early = state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if ContinuousClock.now + state.offset >= deadline { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let early { continuation.resume(with: early) }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
