import Foundation

/// Decodes Ollama's streamed `/api/chat` body (protocols.md §2.4): NDJSON, one message delta per
/// line, a final `done: true` line with the counts (absent = 0), a `{"error": "…"}` line for a
/// failure after the head was sent, and a stream that ends without `done: true` is broken.
struct OllamaStreamDecoder: FramedStreamDecoder {
    let requestedModel: String
    var framing = NDJSONLineSplitter()
    private var sawDone = false
    /// Tool calls seen on earlier lines: each line's calls are numbered after them.
    private var toolCallsSoFar = 0

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func chunk(for line: [UInt8]) throws(ProviderError) -> CompletionChunk? {
        guard !sawDone else { return nil }
        var chunk = try Self.chunk(from: Data(line), toolCallsSoFar: toolCallsSoFar)
        toolCallsSoFar += chunk.toolCalls.count
        if chunk.finishReason != nil { sawDone = true }
        if toolCallsSoFar > 0, chunk.finishReason == .stop { chunk.finishReason = .toolCalls }
        return chunk
    }

    func checkEnded() throws(ProviderError) {
        guard sawDone else {
            throw ProviderError(kind: .connect, message: "Ollama's stream ended without a done line")
        }
    }

    /// One line as a chunk (the `done` line carries finish reason and usage), or its error.
    static func chunk(from data: Data, toolCallsSoFar: Int = 0) throws(ProviderError) -> CompletionChunk {
        let decoded = try WireJSON.decode(
            OllamaProvider.ResponseBody.self, from: data,
            orFailWith: "Ollama streamed a line that is not a chat response")
        if let error = decoded.error {
            throw ProviderError(kind: .invalidResponse, message: "Ollama reported an error mid-stream: \(error)")
        }
        let text = decoded.message?.content ?? ""
        var chunk = CompletionChunk(textDelta: text, model: decoded.model)
        if decoded.done == true {
            chunk.finishReason = decoded.finishReason
            chunk.usage = decoded.tokenUsage
        }
        if let message = decoded.message {
            chunk.toolCalls = OllamaProvider.toolCallDeltas(in: message, startingAt: toolCallsSoFar)
        }
        return chunk
    }
}
