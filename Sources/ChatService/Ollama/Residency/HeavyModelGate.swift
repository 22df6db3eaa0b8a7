import Providers
import Synchronization

/// The one-at-a-time turnstile in front of heavy models: a first-in-first-out lock whose holder
/// may swap the resident heavy model and then use it, so two heavy models are never asked for at
/// once and requests are served in the order they arrived.
///
/// Waiting is bounded by the caller's deadline (on the injected clock) and by its cancellation;
/// either removes the caller from the queue. Release is synchronous, so a lease dropped anywhere
/// (even by a response body that never ran) hands the turn on.
final class HeavyModelGate: Sendable {
    /// Why a caller did not get its turn.
    enum Refusal: Error, Equatable {
        case deadlinePassed
        case cancelled
    }

    /// A caller in the queue, with the timer that takes it out when its deadline passes.
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Result<Void, Refusal>, Never>
        var timer: Task<Void, Never>
    }

    private struct State {
        var held = false
        var queue: [Waiter] = []
        var nextID = 0
    }

    private let state = Mutex(State())
    private let clock: ProviderClock
    /// Told the number of waiting callers whenever it changes (the queue-depth gauge).
    private let onDepthChange: @Sendable (Int) -> Void

    init(clock: ProviderClock, onDepthChange: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.clock = clock
        self.onDepthChange = onDepthChange
    }

    /// Callers waiting for their turn right now.
    var depth: Int { state.withLock { $0.queue.count } }

    /// Waits for this caller's turn (after everyone who came earlier) or throws when `deadline`
    /// passes or the task is cancelled first. Call `release()` exactly once after a success.
    func acquire(until deadline: ContinuousClock.Instant) async throws(Refusal) {
        let id = state.withLock { state -> Int? in
            guard state.held || !state.queue.isEmpty else {
                state.held = true
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        let clock = self.clock
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, Refusal>, Never>) in
                let early = state.withLock { state -> Result<Void, Refusal>? in
                    if Task.isCancelled { return .failure(.cancelled) }
                    if !state.held && state.queue.isEmpty {
                        state.held = true
                        return .success(())
                    }
                    let timer = Task { [weak self] in
                        guard (try? await clock.sleep(until: deadline)) != nil else { return }
                        self?.abandon(id, .deadlinePassed)
                    }
                    state.queue.append(Waiter(id: id, continuation: continuation, timer: timer))
                    return nil
                }
                if let early {
                    continuation.resume(returning: early)
                    return
                }
                reportDepth()
            }
        } onCancel: {
            abandon(id, .cancelled)
        }
        try result.get()
    }

    /// Ends the holder's turn and gives it to the longest-waiting caller, if any.
    func release() {
        let next = state.withLock { state -> Waiter? in
            guard !state.queue.isEmpty else {
                state.held = false
                return nil
            }
            return state.queue.removeFirst()
        }
        guard let next else { return }
        next.timer.cancel()
        reportDepth()
        next.continuation.resume(returning: .success(()))
    }

    /// Takes a caller out of the queue (its deadline passed or it was cancelled); no-op once it
    /// has had its turn.
    private func abandon(_ id: Int, _ refusal: Refusal) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.queue.firstIndex(where: { $0.id == id }) else { return nil }
            return state.queue.remove(at: index)
        }
        guard let waiter else { return }
        waiter.timer.cancel()
        reportDepth()
        waiter.continuation.resume(returning: .failure(refusal))
    }

    private func reportDepth() {
        onDepthChange(depth)
    }
}
