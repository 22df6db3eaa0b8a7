import Synchronization

/// A counting semaphore for tasks: `value` permits, handed out in the order they were asked for,
/// and a waiter that is cancelled leaves the queue without taking one.
///
/// It exists so a provider call can wait for a free connection *before* its attempt's clock starts
/// (see `ProviderConnectionGate`): AsyncHTTPClient's own queue for a pooled connection sits inside
/// the attempt's timeout, where a long wait turned into a failed attempt (issue 14 row 2).
public final class AsyncCountingSemaphore: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var available: Int
        /// Oldest first; a granted waiter is removed before it is resumed.
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>
    /// The number of permits the semaphore was made with.
    public let value: Int

    /// A semaphore with `value` permits (at least one).
    public init(value: Int) {
        precondition(value > 0, "a semaphore needs at least one permit")
        self.value = value
        self.state = Mutex(State(available: value))
    }

    /// Permits free right now.
    public var available: Int { state.withLock { $0.available } }

    /// Tasks waiting for a permit right now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Takes a permit if one is free, without waiting.
    public func tryWait() -> Bool {
        state.withLock { state in
            guard state.available > 0, state.waiters.isEmpty else { return false }
            state.available -= 1
            return true
        }
    }

    /// Takes a permit, waiting behind earlier callers until one is free. Throws
    /// `CancellationError` (holding no permit) when the waiting task is cancelled first.
    public func wait() async throws {
        if tryWait() { return }
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Decided under the lock the cancellation handler and `signal` take, so neither a
                // cancellation nor a freed permit that came before this registration is missed.
                let immediate = state.withLock { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.available > 0, state.waiters.isEmpty {
                        state.available -= 1
                        return .success(())
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            // Only a waiter still queued is cancelled; one already granted keeps its permit and
            // its caller gives it back.
            let removed = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a permit back: to the longest waiter if there is one, else to the pool.
    public func signal() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                precondition(state.available < value, "a semaphore was signalled more often than waited on")
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }

    /// How `wait(until:on:)` ended.
    public enum Admission: Sendable, Equatable {
        /// A permit was taken; give it back with `signal()`.
        case admitted
        /// `deadline` came first; no permit is held.
        case deadlinePassed
        /// The waiting task was cancelled first; no permit is held.
        case cancelled
    }

    /// Takes a permit, waiting at most until `deadline` on `clock`.
    public func wait(until deadline: ContinuousClock.Instant, on clock: ProviderClock) async -> Admission {
        if tryWait() { return .admitted }
        if Task.isCancelled { return .cancelled }
        if clock.now >= deadline { return .deadlinePassed }
        return await withTaskGroup(of: Admission.self) { group in
            group.addTask {
                do {
                    try await self.wait()
                    return .admitted
                } catch {
                    return .cancelled
                }
            }
            group.addTask {
                do {
                    try await clock.sleep(until: deadline)
                    return .deadlinePassed
                } catch {
                    return .cancelled
                }
            }
            // Two children were added, so `next()` yields at least once.
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            var outcome = first
            // The waiter may have been granted its permit just as the deadline (or a cancellation)
            // won: then the permit is given back here, so none leaks.
            for await other in group where other == .admitted && first != .admitted {
                signal()
            }
            if outcome != .admitted, Task.isCancelled { outcome = .cancelled }
            return outcome
        }
    }
}
