import Foundation

/// Decodes Gemini's `:streamGenerateContent?alt=sse` body (protocols.md §1.4): one
/// `GenerateContentResponse` per `data:` event, text as deltas, cumulative usage on every
/// event, `finishReason` on the last, no sentinel (EOF ends it), and `data: {"error": …}` for a
/// failure after the head was sent.
struct GeminiStreamDecoder: FramedStreamDecoder {
    let requestedModel: String
    var framing = ServerSentEventParser()
    private var events = 0
    /// Tool calls seen in earlier events: each event's calls are numbered after them.
    private var toolCallsSoFar = 0

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func chunk(for event: ServerSentEvent) throws(ProviderError) -> CompletionChunk? {
        events += 1
        var chunk = try Self.chunk(from: Data(event.data.utf8))
        for index in chunk.toolCalls.indices { chunk.toolCalls[index].index += toolCallsSoFar }
        toolCallsSoFar += chunk.toolCalls.count
        if toolCallsSoFar > 0, chunk.finishReason == .stop { chunk.finishReason = .toolCalls }
        return chunk
    }

    func checkEnded() throws(ProviderError) {
        guard events > 0 else {
            throw ProviderError(kind: .invalidResponse, message: "Gemini ended the stream without any event")
        }
    }

    /// One event's JSON as a chunk, or the error it reports; decoded once either way.
    static func chunk(from data: Data) throws(ProviderError) -> CompletionChunk {
        let decoded = try WireJSON.decode(
            GeminiProvider.ResponseBody.self, from: data,
            orFailWith: "Gemini streamed an event that is not a GenerateContentResponse")
        if let status = decoded.error { throw status.midStreamError }
        return decoded.answer
    }
}
