/// Cuts a streamed body into its events (Server-Sent Events, NDJSON lines) as buffers arrive, so
/// one decoding loop (`FramedStreamDecoder`) serves every streaming format.
protocol StreamEventFraming: Sendable {
    associatedtype Event: Sendable
    /// Consumes `bytes` and returns the events they completed.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(ProviderError) -> [Event]
    /// The end of the body: the events still pending.
    mutating func finish() -> [Event]
}

extension ServerSentEventParser: StreamEventFraming {}

extension NDJSONLineSplitter: StreamEventFraming {}
