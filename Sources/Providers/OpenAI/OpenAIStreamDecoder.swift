import Foundation
import NIOCore

/// Decodes an OpenAI-style `chat/completions` SSE stream (protocols.md §3.3): one
/// `chat.completion.chunk` per `data:` event, `finish_reason` on the last choice chunk, a usage
/// chunk with `choices: []` (asked for with `include_usage`), `data: [DONE]` at the end, and
/// `data: {"error": …}` for a failure after the head was sent. A stream that ends with neither
/// `[DONE]` nor a finish reason was cut off and is an error.
struct OpenAIStreamDecoder: CompletionStreamDecoder {
    let requestedModel: String
    private var parser = ServerSentEventParser()
    private var sawDone = false
    private var sawFinishReason = false

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func decode(_ buffer: ByteBuffer) throws(ProviderError) -> [CompletionChunk] {
        try chunks(for: parser.feed(buffer.readableBytesView))
    }

    mutating func finish() throws(ProviderError) -> [CompletionChunk] {
        let last = try chunks(for: parser.finish())
        guard sawDone || sawFinishReason else {
            throw ProviderError(kind: .connect, message: "the OpenAI-compatible stream ended before [DONE]")
        }
        return last
    }

    private mutating func chunks(for events: [ServerSentEvent]) throws(ProviderError) -> [CompletionChunk] {
        var chunks: [CompletionChunk] = []
        for event in events where !sawDone {
            if event.data.trimmingCharacters(in: .whitespaces) == "[DONE]" {
                sawDone = true
                continue
            }
            let chunk = try Self.chunk(from: Data(event.data.utf8))
            if chunk.finishReason != nil { sawFinishReason = true }
            chunks.append(chunk)
        }
        return chunks
    }

    /// One event's JSON as a chunk, or the error it reports.
    static func chunk(from data: Data) throws(ProviderError) -> CompletionChunk {
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(OpenAIProvider.ErrorEnvelope.self, from: data) {
            let message = "the OpenAI-compatible server reported an error mid-stream: \(envelope.message ?? envelope.type ?? "no message")"
            if let code = envelope.code.flatMap(Int.init), (400..<600).contains(code) {
                throw ProviderError(kind: .http(status: code), message: message)
            }
            throw ProviderError(kind: .invalidResponse, message: message)
        }
        let decoded: OpenAIProvider.ResponseBody
        do {
            decoded = try decoder.decode(OpenAIProvider.ResponseBody.self, from: data)
        } catch {
            throw ProviderError(kind: .invalidResponse, message: "the OpenAI-compatible server streamed an event that is not a chat.completion.chunk")
        }
        let choice = decoded.choices?.first
        return CompletionChunk(
            textDelta: choice?.delta?.content ?? "",
            finishReason: choice?.finishReason.map { OpenAIProvider.finishReason($0) },
            usage: decoded.usage?.tokenUsage,
            model: decoded.model
        )
    }
}
