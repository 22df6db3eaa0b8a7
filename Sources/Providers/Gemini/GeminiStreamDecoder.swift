import Foundation
import NIOCore

/// Decodes Gemini's `:streamGenerateContent?alt=sse` body (protocols.md §1.4): one
/// `GenerateContentResponse` per `data:` event, text as deltas, cumulative usage on every
/// event, `finishReason` on the last, no sentinel (EOF ends it), and `data: {"error": …}` for a
/// failure after the head was sent.
struct GeminiStreamDecoder: CompletionStreamDecoder {
    let requestedModel: String
    private var parser = ServerSentEventParser()
    private var events = 0

    init(requestedModel: String) {
        self.requestedModel = requestedModel
    }

    mutating func decode(_ buffer: ByteBuffer) throws(ProviderError) -> [CompletionChunk] {
        try chunks(for: parser.feed(buffer.readableBytesView))
    }

    mutating func finish() throws(ProviderError) -> [CompletionChunk] {
        let last = try chunks(for: parser.finish())
        guard events > 0 else {
            throw ProviderError(kind: .invalidResponse, message: "Gemini ended the stream without any event")
        }
        return last
    }

    private mutating func chunks(for events: [ServerSentEvent]) throws(ProviderError) -> [CompletionChunk] {
        var chunks: [CompletionChunk] = []
        for event in events {
            self.events += 1
            chunks.append(try Self.chunk(from: Data(event.data.utf8)))
        }
        return chunks
    }

    /// One event's JSON as a chunk, or the error it reports.
    static func chunk(from data: Data) throws(ProviderError) -> CompletionChunk {
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(GeminiProvider.ErrorEnvelope.self, from: data) {
            let status = envelope.error
            let retryAfter = status.details?
                .first { $0.type?.hasSuffix("google.rpc.RetryInfo") == true }?
                .retryDelay
                .flatMap(ServerRetryHint.parseProtobufDuration)
            let message = "Gemini reported an error mid-stream: \(status.message ?? status.status ?? "no message")"
            if let code = status.code, (400..<600).contains(code) {
                throw ProviderError(kind: .http(status: code), message: message, retryAfter: retryAfter)
            }
            throw ProviderError(kind: .invalidResponse, message: message, retryAfter: retryAfter)
        }
        let decoded: GeminiProvider.ResponseBody
        do {
            decoded = try decoder.decode(GeminiProvider.ResponseBody.self, from: data)
        } catch {
            throw ProviderError(kind: .invalidResponse, message: "Gemini streamed an event that is not a GenerateContentResponse")
        }
        let usage = decoded.usageMetadata.map { metadata in
            let prompt = metadata.promptTokenCount ?? 0
            let output = metadata.candidatesTokenCount ?? 0
            return TokenUsage(promptTokens: prompt, completionTokens: output, totalTokens: metadata.totalTokenCount ?? prompt + output)
        }
        guard let candidate = decoded.candidates?.first else {
            // A blocked prompt: no candidates, only promptFeedback.
            let blocked = decoded.promptFeedback?.blockReason != nil
            return CompletionChunk(textDelta: "", finishReason: blocked ? .contentFilter : nil, usage: usage, model: decoded.modelVersion)
        }
        let text = (candidate.content?.parts ?? []).filter { $0.thought != true }.compactMap(\.text).joined()
        return CompletionChunk(
            textDelta: text,
            finishReason: candidate.finishReason.map { GeminiProvider.finishReason($0) },
            usage: usage,
            model: decoded.modelVersion
        )
    }
}
