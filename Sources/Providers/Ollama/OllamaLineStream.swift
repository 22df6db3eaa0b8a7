import Synchronization

/// Ollama's streamed answer as it arrives, line by line and byte for byte: the native
/// `/api/chat` and `/api/generate` routes forward every NDJSON line to their client untouched, so
/// the lines are not decoded into `CompletionChunk`s the way `CompletionStream` does.
///
/// Single consumer. The producer (the task reading the HTTP body, see
/// `ProviderHTTPTransport.openLineStream`) yields lines and ends it; `cancel()` — called when the
/// consumer stops, or when the last reference goes away — stops the producer, which cancels the
/// upstream request and closes its connection.
public final class OllamaLineStream: Sendable {
    private enum Ending {
        case finished
        case failed(ProviderError)
    }

    private struct State {
        var buffered: [[UInt8]] = []
        var ending: Ending?
        var waiter: CheckedContinuation<Result<[UInt8]?, ProviderError>, Never>?
        var onCancel: (@Sendable () -> Void)?
        var cancelled = false
    }

    private let state = Mutex(State())

    init() {}

    deinit { cancel() }

    /// Sets what `cancel()` runs (once) to stop the producer; runs it at once if already cancelled.
    func setOnCancel(_ action: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { state -> Bool in
            if state.cancelled { return true }
            state.onCancel = action
            return false
        }
        if runNow { action() }
    }

    /// Appends a line (without its newline); ignored once the stream has ended.
    func yield(_ line: [UInt8]) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<[UInt8]?, ProviderError>, Never>? in
            guard state.ending == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.buffered.append(line)
            return nil
        }
        waiter?.resume(returning: .success(line))
    }

    /// Ends the stream after the buffered lines: normally (`nil`) or with `error`. Only the first
    /// ending counts.
    func finish(throwing error: ProviderError? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<[UInt8]?, ProviderError>, Never>? in
            guard state.ending == nil else { return nil }
            state.ending = error.map { .failed($0) } ?? .finished
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    /// The consumer is gone: drop what is buffered, end with `.cancelled` and stop the producer.
    public func cancel() {
        let cancelled = ProviderError(kind: .cancelled, message: "the stream's consumer went away")
        let (waiter, action) = state.withLock { state in
            guard !state.cancelled else {
                return (nil, nil)
                    as (CheckedContinuation<Result<[UInt8]?, ProviderError>, Never>?, (@Sendable () -> Void)?)
            }
            state.cancelled = true
            state.buffered.removeAll()
            if state.ending == nil { state.ending = .failed(cancelled) }
            defer {
                state.waiter = nil
                state.onCancel = nil
            }
            return (state.waiter, state.onCancel)
        }
        waiter?.resume(returning: .failure(cancelled))
        action?()
    }

    /// The next line (without its newline), `nil` at the end, or the error the stream ended with.
    public func next() async throws(ProviderError) -> [UInt8]? {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<[UInt8]?, ProviderError>, Never>) in
                let immediate = state.withLock { state -> Result<[UInt8]?, ProviderError>? in
                    if !state.buffered.isEmpty { return .success(state.buffered.removeFirst()) }
                    switch state.ending {
                    case .finished?: return .success(nil)
                    case .failed(let error)?: return .failure(error)
                    case nil:
                        precondition(state.waiter == nil, "an OllamaLineStream has exactly one consumer")
                        state.waiter = continuation
                        return nil
                    }
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            self.cancel()
        }
        return try result.get()
    }
}
