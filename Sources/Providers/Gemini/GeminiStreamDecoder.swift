import Foundation

/// Decodes Gemini's `:streamGenerateContent?alt=sse` body (protocols.md §1.4): one
/// `GenerateContentResponse` per `data:` event, text as deltas, cumulative usage on every
/// event, `finishReason` on the last, no sentinel (EOF ends it), and `data: {"error": …}` for a
/// failure after the head was sent.
struct GeminiStreamDecoder: FramedStreamDecoder {
    let requestedModel: String
    var framing = ServerSentEventParser()
    private var events = 0

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func chunk(for event: ServerSentEvent) throws(ProviderError) -> CompletionChunk? {
        events += 1
        return try Self.chunk(from: Data(event.data.utf8))
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
