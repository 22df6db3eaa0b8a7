import NIOCore

/// Turns one provider's streamed response body into `CompletionChunk`s, so the transport can run
/// every provider's stream (timeouts, cancellation, error mapping) with the same code.
///
/// `decode` is fed body buffers as they arrive and returns the chunks they completed; `finish` is
/// called at EOF and throws if the stream ended in a way the protocol calls broken (Ollama
/// without `done:true`, OpenAI without `[DONE]` or a finish reason). A mid-stream error event is
/// thrown from `decode`.
protocol CompletionStreamDecoder: StreamBodyDecoder where Element == CompletionChunk {}
