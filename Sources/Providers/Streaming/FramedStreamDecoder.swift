import NIOCore

/// A `CompletionStreamDecoder` that reads its body through a `StreamEventFraming` and decodes
/// each event once, so the feed-split-decode loop and the end-of-stream check are written once
/// for Gemini, Ollama and OpenAI.
protocol FramedStreamDecoder: CompletionStreamDecoder {
    associatedtype Framing: StreamEventFraming
    var framing: Framing { get set }
    /// One event as a chunk; `nil` for an event that carries none (`[DONE]`, anything after the
    /// end). Throws the failure an event reports.
    mutating func chunk(for event: Framing.Event) throws(ProviderError) -> CompletionChunk?
    /// Called at EOF, after the last events: throws if the stream ended in a way its protocol
    /// calls broken.
    func checkEnded() throws(ProviderError)
}

extension FramedStreamDecoder {
    mutating func decode(_ buffer: ByteBuffer) throws(ProviderError) -> [CompletionChunk] {
        try chunks(for: framing.feed(buffer.readableBytesView))
    }

    mutating func finish() throws(ProviderError) -> [CompletionChunk] {
        let last = try chunks(for: framing.finish())
        try checkEnded()
        return last
    }

    private mutating func chunks(for events: [Framing.Event]) throws(ProviderError) -> [CompletionChunk] {
        var chunks: [CompletionChunk] = []
        for event in events {
            if let chunk = try chunk(for: event) { chunks.append(chunk) }
        }
        return chunks
    }
}
