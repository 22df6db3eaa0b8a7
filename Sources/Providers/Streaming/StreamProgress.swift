import Synchronization

/// When a streamed response's next chunk is due and how many have arrived, shared by the task
/// reading the body (which pushes the deadline on) and the watchdog (which enforces it).
final class StreamProgress: Sendable {
    private struct State {
        var deadline: ContinuousClock.Instant
        var chunks = 0
    }

    private let state: Mutex<State>

    init(firstChunkDeadline: ContinuousClock.Instant) {
        state = Mutex(State(deadline: firstChunkDeadline))
    }

    var deadline: ContinuousClock.Instant { state.withLock { $0.deadline } }
    var chunks: Int { state.withLock { $0.chunks } }

    func chunkArrived(nextDue: ContinuousClock.Instant) {
        state.withLock { state in
            state.deadline = nextDue
            state.chunks += 1
        }
    }
}
