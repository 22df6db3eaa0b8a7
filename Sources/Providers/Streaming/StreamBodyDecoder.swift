import NIOCore

/// Turns a streamed response body into the elements its one consumer reads (a provider's
/// `CompletionChunk`s, Ollama's raw NDJSON lines), so the transport reads every kind of stream
/// (timeouts, cancellation, error mapping) with the same code.
///
/// `decode` is fed body buffers as they arrive and returns the elements they completed; `finish`
/// is called at EOF and throws if the stream ended in a way its protocol calls broken.
protocol StreamBodyDecoder: Sendable {
    associatedtype Element: Sendable

    mutating func decode(_ buffer: ByteBuffer) throws(ProviderError) -> [Element]
    mutating func finish() throws(ProviderError) -> [Element]
}
