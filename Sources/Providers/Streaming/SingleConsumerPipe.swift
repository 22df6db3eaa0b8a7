import Synchronization

/// The hand-off between the task reading a provider's response body and the one consumer of what
/// it reads (a `CompletionStream`'s chunks, an `OllamaLineStream`'s lines): an unbounded FIFO, an
/// ending (finished or failed), and one cancellation hook that stops the producer.
///
/// Written by hand rather than with `AsyncThrowingStream` so that the error type is
/// `ProviderError` all the way through and "consumer gone" has exactly one meaning: `cancel()`.
final class SingleConsumerPipe<Element: Sendable>: Sendable {
    private enum Ending {
        case finished
        case failed(ProviderError)
    }

    private typealias Waiter = CheckedContinuation<Result<Element?, ProviderError>, Never>

    private struct State {
        var buffered: [Element] = []
        /// Index of the next element to hand out; the array is compacted when it is drained.
        var readIndex = 0
        var ending: Ending?
        var waiter: Waiter?
        var onCancel: (@Sendable () -> Void)?
        var cancelled = false
    }

    private let state = Mutex(State())
    /// Who consumes, for the one-consumer precondition (`a CompletionStream`).
    private let consumer: String
    /// What a consumer waiting at `cancel()` is told.
    private let cancelledMessage: String

    init(consumer: String, cancelledMessage: String) {
        self.consumer = consumer
        self.cancelledMessage = cancelledMessage
    }

    /// Sets what `cancel()` runs (once) to stop the producer; runs it at once if already cancelled.
    func setOnCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.cancelled { return true }
            state.onCancel = action
            return false
        }
        if runNow { action() }
    }

    /// Appends an element; ignored once the pipe has ended.
    func yield(_ element: Element) {
        let waiter = state.withLock { state -> Waiter? in
            guard state.ending == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(element)
            return nil
        }
        waiter?.resume(returning: .success(element))
    }

    /// Ends the pipe after the buffered elements: normally (`nil`) or with `error`. Only the first
    /// ending counts.
    func finish(throwing error: ProviderError? = nil) {
        let waiter = state.withLock { state -> Waiter? in
            guard state.ending == nil else { return nil }
            state.ending = error.map { .failed($0) } ?? .finished
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    /// The consumer is gone (stopped iterating, or its task was cancelled): drop what is buffered,
    /// end with `.cancelled`, and stop the producer.
    func cancel() {
        let (waiter, action) = state.withLock { state -> (Waiter?, (@Sendable () -> Void)?) in
            guard !state.cancelled else { return (nil, nil) }
            state.cancelled = true
            state.buffered.removeAll()
            state.readIndex = 0
            if state.ending == nil {
                state.ending = .failed(ProviderError(kind: .cancelled, message: "the stream's consumer went away"))
            }
            defer {
                state.waiter = nil
                state.onCancel = nil
            }
            return (state.waiter, state.onCancel)
        }
        waiter?.resume(returning: .failure(ProviderError(kind: .cancelled, message: cancelledMessage)))
        action?()
    }

    /// The next element, `nil` at the end, or the error the pipe ended with. One consumer only.
    func next() async -> Result<Element?, ProviderError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: Waiter) in
                let immediate = state.withLock { state -> Result<Element?, ProviderError>? in
                    if state.readIndex < state.buffered.count {
                        let element = state.buffered[state.readIndex]
                        state.readIndex += 1
                        if state.readIndex == state.buffered.count {
                            state.buffered.removeAll(keepingCapacity: true)
                            state.readIndex = 0
                        }
                        return .success(element)
                    }
                    switch state.ending {
                    case .finished?: return .success(nil)
                    case .failed(let error)?: return .failure(error)
                    case nil:
                        precondition(state.waiter == nil, "\(consumer) has exactly one consumer")
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
