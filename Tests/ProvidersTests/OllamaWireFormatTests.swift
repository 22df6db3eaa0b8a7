import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Providers

@Suite("Ollama wire format")
struct OllamaWireFormatTests {
    @Test("the request turns streaming off and maps options to Ollama's names")
    func requestBody() throws {
        let request = CompletionRequest(
            messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "Hi")],
            options: GenerationOptions(temperature: 0.5, topP: 0.8, maxTokens: 64, stop: ["\n\n"])
        )
        let data = try JSONEncoder().encode(OllamaProvider.requestBody(for: request, model: "llama3.2"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["model"] as? String == "llama3.2")
        #expect(json["stream"] as? Bool == false)
        let messages = try #require(json["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        let options = try #require(json["options"] as? [String: Any])
        #expect(options["temperature"] as? Double == 0.5)
        #expect(options["top_p"] as? Double == 0.8)
        #expect(options["num_predict"] as? Int == 64)
        #expect(options["stop"] as? [String] == ["\n\n"])
    }

    @Test("no options means no options object")
    func noOptions() throws {
        let data = try JSONEncoder().encode(OllamaProvider.requestBody(for: CompletionRequest(prompt: "x"), model: "m"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["options"] == nil)
    }

    @Test("the response's content, done_reason and counts are read, missing counts being zero")
    func response() throws {
        let body = ByteBuffer(
            string: """
                {"model":"llama3.2","created_at":"2026-01-02T10:00:00Z","message":{"role":"assistant","content":"Hello!"},
                 "done":true,"done_reason":"length","eval_count":3}
                """)
        let completion = try OllamaProvider.completion(from: body, requestedModel: "x")
        #expect(completion.text == "Hello!")
        #expect(completion.finishReason == .length)
        #expect(completion.model == "llama3.2")
        #expect(completion.usage == TokenUsage(promptTokens: 0, completionTokens: 3, totalTokens: 3))
    }

    @Test("a 200 without a message is an invalid response")
    func missingMessage() {
        #expect(
            performing: {
                try OllamaProvider.completion(from: ByteBuffer(string: #"{"done":true}"#), requestedModel: "m")
            }, throws: { ($0 as? ProviderError)?.kind == .invalidResponse })
    }

    @Test("the error body's text becomes the message")
    func errorBody() {
        let error = OllamaProvider.error(
            status: .notFound, headers: HTTPHeaders(), body: ByteBuffer(string: #"{"error":"model 'x' not found"}"#))
        #expect(error == ProviderError(kind: .http(status: 404), message: "model 'x' not found"))
        #expect(!error.isRetryable)
        let busy = OllamaProvider.error(
            status: .serviceUnavailable,
            headers: ["retry-after": "2"],
            body: ByteBuffer(string: #"{"error":"server busy, please try again.  maximum pending requests exceeded"}"#)
        )
        #expect(busy.retryAfter == .seconds(2))
        #expect(busy.isRetryable)
    }
}
