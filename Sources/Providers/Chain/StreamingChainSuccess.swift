/// A stream that has produced its first chunk, plus how the chain got it, so the HTTP layer can
/// commit to a `200 text/event-stream` answer and the interaction log can record the attempts.
public struct StreamingChainSuccess: Sendable {
    /// The answer, starting with the first chunk (already received, handed out again first).
    /// Failures from here on are thrown by the stream and are not retried.
    public var stream: CompletionStream
    /// The first chunk, for callers that want to look at it without iterating.
    public var firstChunk: CompletionChunk
    /// The provider that is answering.
    public var provider: ProviderName
    /// The model that was asked.
    public var model: String
    /// Every attempt up to and including this one; its latency is the time to the first chunk.
    public var attempts: [ProviderAttempt]
    /// `true` when a provider other than the first one tried is answering.
    public var fallback: Bool

    public init(
        stream: CompletionStream,
        firstChunk: CompletionChunk,
        provider: ProviderName,
        model: String,
        attempts: [ProviderAttempt],
        fallback: Bool
    ) {
        self.stream = stream
        self.firstChunk = firstChunk
        self.provider = provider
        self.model = model
        self.attempts = attempts
        self.fallback = fallback
    }
}
