import NIOCore
import Testing

@testable import Providers

@Suite("Stream decoders")
struct StreamDecoderTests {
    /// Runs `body` through `decoder` in two halves and accumulates the chunks.
    private func decode(
        _ decoder: some CompletionStreamDecoder, _ body: String
    ) throws -> (chunks: [CompletionChunk], total: CompletionAccumulator) {
        var decoder = decoder
        let bytes = Array(body.utf8)
        var chunks = try decoder.decode(ByteBuffer(bytes: bytes[..<(bytes.count / 2)]))
        chunks += try decoder.decode(ByteBuffer(bytes: bytes[(bytes.count / 2)...]))
        chunks += try decoder.finish()
        var total = CompletionAccumulator()
        for chunk in chunks { total.add(chunk) }
        return (chunks, total)
    }

    @Test("Gemini usage is cumulative: the last report wins and an event without usage does not wipe it")
    func geminiUsageLastWins() throws {
        let body = """
            data: {"candidates":[{"content":{"parts":[{"text":"Hel"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1,"totalTokenCount":5},"modelVersion":"gemini-2.5-flash"}

            data: {"candidates":[{"content":{"parts":[{"text":"lo"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":3,"totalTokenCount":7}}

            data: {"candidates":[{"content":{"parts":[{"text":"!"}],"role":"model"},"finishReason":"MAX_TOKENS"}]}


            """
        let (chunks, total) = try decode(GeminiStreamDecoder(requestedModel: "m"), body)
        #expect(chunks.map(\.textDelta) == ["Hel", "lo", "!"])
        #expect(total.text == "Hello!")
        #expect(total.usage == TokenUsage(promptTokens: 4, completionTokens: 3, totalTokens: 7))
        #expect(total.finishReason == .length)
        #expect(total.model == "gemini-2.5-flash")
    }

    @Test("a Gemini error event becomes a ProviderError with the event's status code")
    func geminiErrorEvent() {
        let body =
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}]}\n\ndata: {\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}\n\n"
        let error = #expect(throws: ProviderError.self) { try decode(GeminiStreamDecoder(requestedModel: "m"), body) }
        #expect(error?.kind == .http(status: 503))
        #expect(error?.message.contains("overloaded") == true)
    }

    @Test("a Gemini stream with no event at all is an invalid response")
    func geminiEmptyStream() {
        let error = #expect(throws: ProviderError.self) {
            try decode(GeminiStreamDecoder(requestedModel: "m"), ": nothing\n\n")
        }
        #expect(error?.kind == .invalidResponse)
    }

    @Test("Ollama's final done line carries the counts, and absent counts are zero")
    func ollamaDoneLine() throws {
        let body = """
            {"model":"llama3.2","message":{"role":"assistant","content":"Hi"},"done":false}
            {"model":"llama3.2","message":{"role":"assistant","content":" there"},"done":false}
            {"model":"llama3.2","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","eval_count":3}

            """
        let (chunks, total) = try decode(OllamaStreamDecoder(requestedModel: "m"), body)
        #expect(chunks.count == 3)
        #expect(chunks.prefix(2).allSatisfy { $0.usage == nil })
        #expect(total.text == "Hi there")
        #expect(total.usage == TokenUsage(promptTokens: 0, completionTokens: 3, totalTokens: 3))
        #expect(total.finishReason == .stop)
    }

    @Test("an Ollama stream that ends without done is an error, and an error line throws its message")
    func ollamaBrokenStreams() {
        let truncated = #expect(throws: ProviderError.self) {
            try decode(
                OllamaStreamDecoder(requestedModel: "m"),
                "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n")
        }
        #expect(truncated?.kind == .connect)
        let failed = #expect(throws: ProviderError.self) {
            try decode(
                OllamaStreamDecoder(requestedModel: "m"),
                "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n{\"error\":\"runner crashed\"}\n"
            )
        }
        #expect(failed?.kind == .invalidResponse)
        #expect(failed?.message.hasSuffix("runner crashed") == true)
    }

    @Test("OpenAI usage comes in the chunk with empty choices and [DONE] ends the stream")
    func openAIUsageChunk() throws {
        let body = """
            data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

            data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello!"},"finish_reason":null}],"usage":null}

            : keep-alive

            data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}

            data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}

            data: [DONE]

            data: {"ignored":true}


            """
        let (chunks, total) = try decode(OpenAIStreamDecoder(requestedModel: "m"), body)
        #expect(chunks.count == 4)
        #expect(total.text == "Hello!")
        #expect(total.finishReason == .length)
        #expect(total.usage == TokenUsage(promptTokens: 9, completionTokens: 2, totalTokens: 11))
    }

    @Test("an OpenAI stream cut off before [DONE] or a finish reason is an error; an error event throws")
    func openAIBrokenStreams() {
        let cut = #expect(throws: ProviderError.self) {
            try decode(
                OpenAIStreamDecoder(requestedModel: "m"), "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n")
        }
        #expect(cut?.kind == .connect)
        let failed = #expect(throws: ProviderError.self) {
            try decode(
                OpenAIStreamDecoder(requestedModel: "m"),
                "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n")
        }
        #expect(failed?.kind == .invalidResponse)
        #expect(failed?.message.hasSuffix("boom") == true)
    }
}
