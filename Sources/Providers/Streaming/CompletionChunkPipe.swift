import Synchronization

/// The hand-off between the task reading a provider's response body and the one consumer of a
/// `CompletionStream`: an unbounded FIFO of chunks, an ending (finished or failed), and one
/// cancellation hook that stops the producer.
///
/// Written by hand rather than with `AsyncThrowingStream` so that the error type is
/// `ProviderError` all the way through, a chunk can be taken out and put back in front (the
/// chain's first-chunk look-ahead), and "consumer gone" has exactly one meaning: `cancel()`.
final class CompletionChunkPipe: Sendable {
    private enum Ending {
        case finished
        case failed(ProviderError)
    }

    private struct State {
        var buffered: [CompletionChunk] = []
        /// Index of the next chunk to hand out; the array is compacted when it is drained.
        var readIndex = 0
        var ending: Ending?
        var waiter: CheckedContinuation<Result<CompletionChunk?, ProviderError>, Never>?
        var onCancel: (@Sendable () -> Void)?
        var cancelled = false
    }

    private let state = Mutex(State())

    /// Sets what `cancel()` runs (once) to stop the producer; runs it at once if already cancelled.
    func setOnCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.cancelled { return true }
            state.onCancel = action
            return false
        }
        if runNow { action() }
    }

    /// Appends a chunk; ignored once the pipe has ended.
    func yield(_ chunk: CompletionChunk) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<CompletionChunk?, ProviderError>, Never>? in
            guard state.ending == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(chunk)
            return nil
        }
        waiter?.resume(returning: .success(chunk))
    }

    /// Ends the stream after the buffered chunks: normally (`nil`) or with `error`. Only the
    /// first ending counts.
    func finish(throwing error: ProviderError? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<CompletionChunk?, ProviderError>, Never>? in
            guard state.ending == nil else { return nil }
            state.ending = error.map { .failed($0) } ?? .finished
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    /// The consumer is gone (stopped iterating, or its task was cancelled): drop what is buffered,
    /// end with `.cancelled`, and stop the producer.
    func cancel() {
        let (waiter, action) = state.withLock { state in
            guard !state.cancelled else {
                return (nil, nil)
                    as (CheckedContinuation<Result<CompletionChunk?, ProviderError>, Never>?, (@Sendable () -> Void)?)
            }
            state.cancelled = true
            state.buffered.removeAll()
            state.readIndex = 0
            if state.ending == nil {
                state.ending = .failed(ProviderError(kind: .cancelled, message: "the stream's consumer went away"))
            }
            let waiter = state.waiter
            state.waiter = nil
            let action = state.onCancel
            state.onCancel = nil
            return (waiter, action)
        }
        waiter?.resume(
            returning: .failure(ProviderError(kind: .cancelled, message: "the stream's consumer was cancelled")))
        action?()
    }

    /// The next chunk, `nil` at the end, or the error the stream ended with. One consumer only.
    func next() async -> Result<CompletionChunk?, ProviderError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<CompletionChunk?, ProviderError>, Never>) in
                let immediate = state.withLock { state -> Result<CompletionChunk?, ProviderError>? in
                    if state.readIndex < state.buffered.count {
                        let chunk = state.buffered[state.readIndex]
                        state.readIndex += 1
                        if state.readIndex == state.buffered.count {
                            state.buffered.removeAll(keepingCapacity: true)
                            state.readIndex = 0
                        }
                        return .success(chunk)
                    }
                    switch state.ending {
                    case .finished?: return .success(nil)
                    case .failed(let error)?: return .failure(error)
                    case nil:
                        precondition(state.waiter == nil, "a CompletionStream has exactly one consumer")
                        state.waiter = continuation
                        return nil
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            self.cancel()
        }
    }
}
