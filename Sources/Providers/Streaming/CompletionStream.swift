/// A streamed answer: the chunks of one provider response, in order, as they arrive.
///
/// It exists so routes can forward tokens without waiting for the whole answer, with failures
/// typed as `ProviderError` (an upstream break, a mid-stream error event, an idle timeout).
/// Single-consumer. When the consumer stops early — its task is cancelled, or it drops the
/// stream and its iterator — the upstream HTTP request is cancelled and its connection closed.
public struct CompletionStream: AsyncSequence, Sendable {
    public typealias Element = CompletionChunk
    public typealias Failure = ProviderError

    /// Cancels the pipe (and so the upstream request) when the last copy of the stream or of
    /// its iterator goes away.
    final class ConsumerLifetime: Sendable {
        let pipe: CompletionChunkPipe
        init(pipe: CompletionChunkPipe) { self.pipe = pipe }
        deinit { pipe.cancel() }
    }

    let lifetime: ConsumerLifetime
    /// Chunks handed out before the pipe's (the chain's look-ahead).
    let prefetched: [CompletionChunk]

    init(pipe: CompletionChunkPipe, prefetched: [CompletionChunk] = []) {
        self.init(lifetime: ConsumerLifetime(pipe: pipe), prefetched: prefetched)
    }

    private init(lifetime: ConsumerLifetime, prefetched: [CompletionChunk]) {
        self.lifetime = lifetime
        self.prefetched = prefetched
    }

    /// A stream that yields `chunks` and ends; for providers that cannot stream and for tests.
    public init(chunks: [CompletionChunk]) {
        let pipe = CompletionChunkPipe()
        pipe.finish()
        self.init(pipe: pipe, prefetched: chunks)
    }

    /// Waits for the first chunk and returns it with a stream that yields it again followed by
    /// the rest; `nil` if the stream ended without any chunk.
    func awaitingFirstChunk() async throws(ProviderError) -> (first: CompletionChunk, stream: CompletionStream)? {
        if let first = prefetched.first { return (first, self) }
        switch await lifetime.pipe.next() {
        case .success(let chunk?):
            return (chunk, CompletionStream(lifetime: lifetime, prefetched: [chunk]))
        case .success(nil):
            return nil
        case .failure(let error):
            throw error
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(lifetime: lifetime, prefetched: prefetched)
    }

    /// Reads the whole stream into one `Completion` (see `CompletionAccumulator` for the rules).
    public func collect(requestedModel: String) async throws(ProviderError) -> Completion {
        var accumulator = CompletionAccumulator()
        var iterator = makeAsyncIterator()
        while let chunk = try await iterator.next() {
            accumulator.add(chunk)
        }
        return accumulator.completion(requestedModel: requestedModel)
    }

    /// Iterates a `CompletionStream`; throws `ProviderError`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = CompletionChunk
        public typealias Failure = ProviderError

        let lifetime: ConsumerLifetime
        var prefetched: [CompletionChunk]
        var prefetchIndex = 0

        init(lifetime: ConsumerLifetime, prefetched: [CompletionChunk]) {
            self.lifetime = lifetime
            self.prefetched = prefetched
        }

        public mutating func next() async throws(ProviderError) -> CompletionChunk? {
            try await next(isolation: nil)
        }

        public mutating func next(
            isolation actor: isolated (any Actor)?
        ) async throws(ProviderError) -> CompletionChunk? {
            if prefetchIndex < prefetched.count {
                defer { prefetchIndex += 1 }
                return prefetched[prefetchIndex]
            }
            return try await lifetime.pipe.next().get()
        }
    }
}
