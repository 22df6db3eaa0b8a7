import Foundation

/// Decodes Ollama's streamed `/api/chat` body (protocols.md §2.4): NDJSON, one message delta per
/// line, a final `done: true` line with the counts (absent = 0), a `{"error": "…"}` line for a
/// failure after the head was sent, and a stream that ends without `done: true` is broken.
struct OllamaStreamDecoder: FramedStreamDecoder {
    let requestedModel: String
    var framing = NDJSONLineSplitter()
    private var sawDone = false

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func chunk(for line: [UInt8]) throws(ProviderError) -> CompletionChunk? {
        guard !sawDone else { return nil }
        let chunk = try Self.chunk(from: Data(line))
        if chunk.finishReason != nil { sawDone = true }
        return chunk
    }

    func checkEnded() throws(ProviderError) {
        guard sawDone else {
            throw ProviderError(kind: .connect, message: "Ollama's stream ended without a done line")
        }
    }

    /// One line as a chunk (the `done` line carries finish reason and usage), or its error.
    static func chunk(from data: Data) throws(ProviderError) -> CompletionChunk {
        let decoded = try WireJSON.decode(
            OllamaProvider.ResponseBody.self, from: data,
            orFailWith: "Ollama streamed a line that is not a chat response")
        if let error = decoded.error {
            throw ProviderError(kind: .invalidResponse, message: "Ollama reported an error mid-stream: \(error)")
        }
        let text = decoded.message?.content ?? ""
        guard decoded.done == true else {
            return CompletionChunk(textDelta: text, model: decoded.model)
        }
        return CompletionChunk(
            textDelta: text, finishReason: decoded.finishReason, usage: decoded.tokenUsage, model: decoded.model)
    }
}
