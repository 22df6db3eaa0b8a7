import Foundation

/// Decodes an OpenAI-style `chat/completions` SSE stream (protocols.md §3.3): one
/// `chat.completion.chunk` per `data:` event, `finish_reason` on the last choice chunk, a usage
/// chunk with `choices: []` (asked for with `include_usage`), `data: [DONE]` at the end, and
/// `data: {"error": …}` for a failure after the head was sent. A stream that ends with neither
/// `[DONE]` nor a finish reason was cut off and is an error.
struct OpenAIStreamDecoder: FramedStreamDecoder {
    let requestedModel: String
    var framing = ServerSentEventParser()
    private var sawDone = false
    private var sawFinishReason = false

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func chunk(for event: ServerSentEvent) throws(ProviderError) -> CompletionChunk? {
        guard !sawDone else { return nil }
        if event.data.trimmingCharacters(in: .whitespaces) == "[DONE]" {
            sawDone = true
            return nil
        }
        let chunk = try Self.chunk(from: Data(event.data.utf8))
        if chunk.finishReason != nil { sawFinishReason = true }
        return chunk
    }

    func checkEnded() throws(ProviderError) {
        guard sawDone || sawFinishReason else {
            throw ProviderError(kind: .connect, message: "the OpenAI-compatible stream ended before [DONE]")
        }
    }

    /// One event's JSON as a chunk, or the error it reports; decoded once either way.
    static func chunk(from data: Data) throws(ProviderError) -> CompletionChunk {
        let decoded = try WireJSON.decode(
            OpenAIProvider.ResponseBody.self, from: data,
            orFailWith: "the OpenAI-compatible server streamed an event that is not a chat.completion.chunk")
        if let envelope = decoded.error {
            let message =
                "the OpenAI-compatible server reported an error mid-stream: \(envelope.message ?? envelope.type ?? "no message")"
            if let code = envelope.code.flatMap(Int.init), (400..<600).contains(code) {
                throw ProviderError(kind: .http(status: code), message: message)
            }
            throw ProviderError(kind: .invalidResponse, message: message)
        }
        let choice = decoded.choices?.first
        var chunk = CompletionChunk(
            textDelta: choice?.delta?.content ?? "",
            finishReason: choice?.finishReason.map { OpenAIProvider.finishReason($0) },
            usage: decoded.usage?.tokenUsage,
            // Azure's first event (prompt filter results only) has `"model": ""`.
            model: decoded.model.flatMap { $0.isEmpty ? nil : $0 }
        )
        // Passed through piece by piece: index, id and name first, argument fragments after.
        chunk.toolCalls = (choice?.delta?.toolCalls ?? []).enumerated().map { position, call in
            ToolCallDelta(
                index: call.index ?? position, id: call.id, name: call.function?.name,
                arguments: call.function?.arguments ?? "")
        }
        return chunk
    }
}
