import Foundation
import NIOCore

/// Decodes Ollama's streamed `/api/chat` body (protocols.md §2.4): NDJSON, one message delta per
/// line, a final `done: true` line with the counts (absent = 0), a `{"error": "…"}` line for a
/// failure after the head was sent, and a stream that ends without `done: true` is broken.
struct OllamaStreamDecoder: CompletionStreamDecoder {
    let requestedModel: String
    private var splitter = NDJSONLineSplitter()
    private var sawDone = false

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func decode(_ buffer: ByteBuffer) throws(ProviderError) -> [CompletionChunk] {
        try chunks(for: splitter.feed(buffer.readableBytesView))
    }

    mutating func finish() throws(ProviderError) -> [CompletionChunk] {
        let last = try chunks(for: splitter.finish())
        guard sawDone else {
            throw ProviderError(kind: .connect, message: "Ollama's stream ended without a done line")
        }
        return last
    }

    private mutating func chunks(for lines: [[UInt8]]) throws(ProviderError) -> [CompletionChunk] {
        var chunks: [CompletionChunk] = []
        for line in lines where !sawDone {
            let chunk = try Self.chunk(from: Data(line))
            if chunk.finishReason != nil { sawDone = true }
            chunks.append(chunk)
        }
        return chunks
    }

    /// One line as a chunk (the `done` line carries finish reason and usage), or its error.
    static func chunk(from data: Data) throws(ProviderError) -> CompletionChunk {
        let decoded: OllamaProvider.ResponseBody
        do {
            decoded = try JSONDecoder().decode(OllamaProvider.ResponseBody.self, from: data)
        } catch {
            throw ProviderError(kind: .invalidResponse, message: "Ollama streamed a line that is not a chat response")
        }
        if let error = decoded.error {
            throw ProviderError(kind: .invalidResponse, message: "Ollama reported an error mid-stream: \(error)")
        }
        let text = decoded.message?.content ?? ""
        guard decoded.done == true else {
            return CompletionChunk(textDelta: text, model: decoded.model)
        }
        let prompt = decoded.promptEvalCount ?? 0
        let output = decoded.evalCount ?? 0
        return CompletionChunk(
            textDelta: text,
            finishReason: decoded.doneReason == "length" ? .length : .stop,
            usage: TokenUsage(promptTokens: prompt, completionTokens: output, totalTokens: prompt + output),
            model: decoded.model
        )
    }
}
