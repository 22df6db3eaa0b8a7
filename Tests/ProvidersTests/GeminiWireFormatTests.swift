import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Providers

@Suite("Gemini wire format")
struct GeminiWireFormatTests {
    private func encodedJSON(_ request: CompletionRequest) throws -> [String: Any] {
        let data = try JSONEncoder().encode(GeminiProvider.requestBody(for: request))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("system messages go to systemInstruction and assistant turns become the model role")
    func systemInstructionAndRoles() throws {
        let json = try encodedJSON(
            CompletionRequest(messages: [
                ChatMessage(role: .system, content: "Answer in one sentence."),
                ChatMessage(role: .user, content: "What is NDJSON?"),
                ChatMessage(role: .assistant, content: "Newline-delimited JSON."),
                ChatMessage(role: .user, content: "And SSE?"),
            ])
        )
        let system = try #require(json["systemInstruction"] as? [String: Any])
        #expect((system["parts"] as? [[String: Any]])?.first?["text"] as? String == "Answer in one sentence.")
        let contents = try #require(json["contents"] as? [[String: Any]])
        #expect(contents.map { $0["role"] as? String } == ["user", "model", "user"])
        #expect((contents[2]["parts"] as? [[String: Any]])?.first?["text"] as? String == "And SSE?")
        #expect(json["generationConfig"] == nil)
    }

    @Test("options map onto generationConfig and stopSequences are cut to five")
    func generationConfig() throws {
        let options = GenerationOptions(
            temperature: 0.2, topP: 0.9, maxTokens: 256, stop: ["a", "b", "c", "d", "e", "f"])
        let json = try encodedJSON(
            CompletionRequest(messages: [ChatMessage(role: .user, content: "hi")], options: options))
        let config = try #require(json["generationConfig"] as? [String: Any])
        #expect(config["temperature"] as? Double == 0.2)
        #expect(config["topP"] as? Double == 0.9)
        #expect(config["maxOutputTokens"] as? Int == 256)
        #expect(config["stopSequences"] as? [String] == ["a", "b", "c", "d", "e"])
        #expect(config["top_p"] == nil)
    }

    @Test("a response's text parts are joined, thought parts skipped, usage and modelVersion read")
    func parsesResponse() throws {
        let body = ByteBuffer(
            string: """
                {"candidates":[{"content":{"role":"model","parts":[{"text":"thinking...","thought":true},{"text":"SSE is "},{"text":"one-way."}]},
                  "finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":44,"thoughtsTokenCount":186,"totalTokenCount":235},
                 "modelVersion":"gemini-2.5-flash-001","responseId":"r-1"}
                """)
        let completion = try GeminiProvider.completion(from: body, requestedModel: "gemini-2.5-flash")
        #expect(completion.text == "SSE is one-way.")
        #expect(completion.model == "gemini-2.5-flash-001")
        #expect(completion.finishReason == .stop)
        #expect(completion.usage == TokenUsage(promptTokens: 5, completionTokens: 44, totalTokens: 235))
    }

    @Test("a candidate without parts yields empty text instead of failing")
    func missingParts() throws {
        let body = ByteBuffer(string: #"{"candidates":[{"content":{"role":"model"},"finishReason":"MAX_TOKENS"}]}"#)
        let completion = try GeminiProvider.completion(from: body, requestedModel: "m")
        #expect(completion.text == "")
        #expect(completion.finishReason == .length)
        #expect(completion.model == "m")
        #expect(completion.usage == nil)
    }

    @Test("a blocked prompt is an empty answer with finish reason content_filter")
    func blockedPrompt() throws {
        let body = ByteBuffer(
            string:
                #"{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}"#
        )
        let completion = try GeminiProvider.completion(from: body, requestedModel: "m")
        #expect(completion.text == "")
        #expect(completion.finishReason == .contentFilter)
    }

    @Test("a 200 without candidates or promptFeedback is an invalid response")
    func wrongShape() {
        #expect(
            throws: ProviderError(
                kind: .invalidResponse, message: "Gemini answered 200 without candidates or promptFeedback")
        ) {
            try GeminiProvider.completion(from: ByteBuffer(string: #"{"hello":1}"#), requestedModel: "m")
        }
        #expect(
            performing: { try GeminiProvider.completion(from: ByteBuffer(string: "<html>"), requestedModel: "m") },
            throws: { ($0 as? ProviderError)?.kind == .invalidResponse })
    }

    @Test(
        "finish reasons map onto OpenAI's vocabulary",
        arguments: [
            ("STOP", FinishReason.stop), ("MAX_TOKENS", .length), ("SAFETY", .contentFilter),
            ("RECITATION", .contentFilter),
            ("PROHIBITED_CONTENT", .contentFilter), ("SPII", .contentFilter), ("MALFORMED_FUNCTION_CALL", .stop),
            ("OTHER", .stop), ("FINISH_REASON_UNSPECIFIED", .stop),
        ]
    )
    func finishReasons(value: String, expected: FinishReason) {
        #expect(GeminiProvider.finishReason(value) == expected)
    }

    @Test("a 429 google.rpc.Status body yields its message and the RetryInfo delay")
    func rateLimitBody() {
        let body = ByteBuffer(
            string: """
                {"error":{"code":429,"message":"You exceeded your current quota. Please retry in 26.66s.","status":"RESOURCE_EXHAUSTED",
                  "details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},
                             {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"26.660853464s"}]}}
                """)
        let error = GeminiProvider.error(status: .tooManyRequests, headers: HTTPHeaders(), body: body)
        #expect(error.kind == .http(status: 429))
        #expect(error.message == "You exceeded your current quota. Please retry in 26.66s.")
        #expect(error.retryAfter == .seconds(26) + .nanoseconds(660_853_464))
        #expect(error.isRetryable)
    }

    @Test("an error wrapped in a one-element array is unwrapped")
    func arrayWrappedError() {
        let body = ByteBuffer(
            string:
                #"[{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}]"#
        )
        let error = GeminiProvider.error(status: .serviceUnavailable, headers: HTTPHeaders(), body: body)
        #expect(error.message == "The model is overloaded. Please try again later.")
        #expect(error.retryAfter == nil)
    }

    @Test("a Retry-After header is used when the body has no RetryInfo")
    func retryAfterHeader() {
        let body = ByteBuffer(
            string:
                #"{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}"#
        )
        let error = GeminiProvider.error(status: .tooManyRequests, headers: ["Retry-After": "7"], body: body)
        #expect(error.retryAfter == .seconds(7))
    }

    @Test("a non-JSON error body becomes the message as is")
    func plainTextError() {
        let error = GeminiProvider.error(
            status: .badGateway, headers: HTTPHeaders(), body: ByteBuffer(string: "upstream connect error"))
        #expect(error.kind == .http(status: 502))
        #expect(error.message == "upstream connect error")
        let empty = GeminiProvider.error(status: .badGateway, headers: HTTPHeaders(), body: ByteBuffer())
        #expect(empty.message == "Bad Gateway")
    }
}

@Suite("Gemini endpoint")
struct GeminiEndpointTests {
    @Test("the model id is placed in the path, a models/ prefix dropped and anything unsafe escaped")
    func modelInPath() {
        let provider = GeminiProvider(
            httpClient: .shared, baseURL: "http://127.0.0.1:9/", apiKey: "k", defaultModel: "gemini-2.0-flash")
        #expect(
            provider.url(model: "gemini-2.0-flash")
                == "http://127.0.0.1:9/v1beta/models/gemini-2.0-flash:generateContent")
        #expect(
            provider.url(model: "models/gemini-2.5-flash")
                == "http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:generateContent")
        #expect(
            provider.url(model: "../x?key=1") == "http://127.0.0.1:9/v1beta/models/..%2Fx%3Fkey%3D1:generateContent")
    }
}
