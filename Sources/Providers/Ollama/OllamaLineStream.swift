/// Ollama's streamed answer as it arrives, line by line and byte for byte: the native
/// `/api/chat` and `/api/generate` routes forward every NDJSON line to their client untouched, so
/// the lines are not decoded into `CompletionChunk`s the way `CompletionStream` does.
///
/// Single consumer. The producer (the task reading the HTTP body, see
/// `ProviderHTTPTransport.openLineStream`) yields lines and ends it; `cancel()` — called when the
/// consumer stops, or when the last reference goes away — stops the producer, which cancels the
/// upstream request and closes its connection.
public final class OllamaLineStream: Sendable {
    /// Fed by `ProviderHTTPTransport.openStreamedBody`'s reading task.
    let pipe = SingleConsumerPipe<[UInt8]>(
        consumer: "an OllamaLineStream", cancelledMessage: "the stream's consumer went away")

    init() {}

    deinit { cancel() }

    /// The consumer is gone: drop what is buffered, end with `.cancelled` and stop the producer.
    public func cancel() { pipe.cancel() }

    /// The next line (without its newline), `nil` at the end, or the error the stream ended with.
    public func next() async throws(ProviderError) -> [UInt8]? {
        try await pipe.next().get()
    }
}
