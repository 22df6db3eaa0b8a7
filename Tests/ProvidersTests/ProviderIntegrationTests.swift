import Foundation
import Providers
import TestSupport
import Testing

@Suite("Providers against the double")
struct ProviderIntegrationTests {
    let logger = DoubleFixture.logger

    @Test("Gemini answers through the double with the echoed prompt and word-count usage")
    func geminiSuccess() async throws {
        try await DoubleFixture.with { fixture in
            let request = CompletionRequest(messages: [
                ChatMessage(role: .system, content: "Be brief."),
                ChatMessage(role: .user, content: "hello brave new world"),
            ])
            let completion = try await fixture.gemini.complete(
                request, model: "gemini-2.0-flash", timeout: .seconds(5), logger: logger)
            #expect(completion.text == "Echo: hello brave new world")
            #expect(completion.model == "gemini-2.0-flash")
            #expect(completion.finishReason == .stop)
            #expect(completion.usage == TokenUsage(promptTokens: 6, completionTokens: 5, totalTokens: 11))

            let seen = try #require(fixture.double.requests(for: .gemini).first)
            #expect(seen.method == "POST")
            #expect(seen.path == "/v1beta/models/gemini-2.0-flash:generateContent")
            #expect(seen.header("x-goog-api-key") == DoubleFixture.geminiKey)
            #expect(seen.header("content-type") == "application/json")
            let system = try #require(seen.jsonBody?["systemInstruction"] as? [String: Any])
            #expect((system["parts"] as? [[String: Any]])?.first?["text"] as? String == "Be brief.")
        }
    }

    @Test("Ollama answers through the double with stream false and usage from the eval counts")
    func ollamaSuccess() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([
                .success(text: "Hi there", promptTokens: 12, completionTokens: 3, finishReason: "length")
            ])
            let completion = try await fixture.ollama.complete(
                CompletionRequest(prompt: "say hi"), model: "llama3.2", timeout: .seconds(5), logger: logger)
            #expect(completion.text == "Hi there")
            #expect(completion.finishReason == .length)
            #expect(completion.usage == TokenUsage(promptTokens: 12, completionTokens: 3, totalTokens: 15))
            let seen = try #require(fixture.double.requests(for: .ollama).first)
            #expect(seen.path == "/api/chat")
            #expect(seen.jsonBody?["stream"] as? Bool == false)
            #expect(seen.jsonBody?["model"] as? String == "llama3.2")
        }
    }

    @Test("Gemini thought parts never reach the answer text")
    func geminiThoughtsSkipped() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.success(text: "Answer.", thought: "Let me think")])
            let completion = try await fixture.gemini.complete(
                CompletionRequest(prompt: "q"), model: "gemini-2.5-flash", timeout: .seconds(5), logger: logger)
            #expect(completion.text == "Answer.")
        }
    }

    @Test("a blocked Gemini prompt comes back as content_filter with empty text")
    func geminiBlocked() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.blocked])
            let completion = try await fixture.gemini.complete(
                CompletionRequest(prompt: "q"), model: "gemini-2.0-flash", timeout: .seconds(5), logger: logger)
            #expect(completion.text == "")
            #expect(completion.finishReason == .contentFilter)
        }
    }

    @Test("a wrong Gemini key is a non-retryable 400 with Google's message")
    func geminiWrongKey() async throws {
        try await DoubleFixture.with { fixture in
            let wrong = GeminiProvider(
                httpClient: fixture.httpClient, baseURL: fixture.double.baseURL, apiKey: "nope",
                defaultModel: "gemini-2.0-flash")
            let error = await #expect(throws: ProviderError.self) {
                try await wrong.complete(
                    CompletionRequest(prompt: "q"), model: "gemini-2.0-flash", timeout: .seconds(5), logger: logger)
            }
            #expect(error?.kind == .http(status: 400))
            #expect(error?.message == "API key not valid. Please pass a valid API key.")
            #expect(error?.isRetryable == false)
        }
    }

    @Test("an unknown Ollama model is a 404 with Ollama's message")
    func ollamaUnknownModel() async throws {
        try await DoubleFixture.with(configuration: .init(restrictsModels: true)) { fixture in
            let error = await #expect(throws: ProviderError.self) {
                try await fixture.ollama.complete(
                    CompletionRequest(prompt: "q"), model: "mistral", timeout: .seconds(5), logger: logger)
            }
            #expect(error == ProviderError(kind: .http(status: 404), message: "model 'mistral' not found"))
        }
    }

    @Test("a dropped connection is a connect error")
    func droppedConnection() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.drop])
            let error = await #expect(throws: ProviderError.self) {
                try await fixture.ollama.complete(
                    CompletionRequest(prompt: "q"), model: "llama3.2", timeout: .seconds(5), logger: logger)
            }
            #expect(error?.kind == .connect)
        }
    }

    @Test("a connection closed mid-body is a connect error")
    func closedMidBody() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.closeMidBody])
            let error = await #expect(throws: ProviderError.self) {
                try await fixture.gemini.complete(
                    CompletionRequest(prompt: "q"), model: "gemini-2.0-flash", timeout: .seconds(5), logger: logger)
            }
            #expect(error?.kind == .connect)
        }
    }

    @Test("malformed JSON with HTTP 200 is an invalid response")
    func malformedJSON() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.malformedJSON, .malformedJSON])
            for provider in [fixture.gemini, fixture.ollama] as [any ChatProvider] {
                let error = await #expect(throws: ProviderError.self) {
                    try await provider.complete(
                        CompletionRequest(prompt: "q"), model: provider.defaultModel, timeout: .seconds(5),
                        logger: logger)
                }
                #expect(error?.kind == .invalidResponse)
            }
        }
    }

    @Test("an answer slower than the timeout is a timeout, and the attempt returns on time")
    func slowAnswerTimesOut() async throws {
        try await DoubleFixture.with { fixture in
            // A timeout long enough that a loaded machine still sends the request before it; the
            // test clock then jumps past it, so nothing waits for it in real time.
            fixture.double.script([ProviderDoubleBehaviour.success().delayed(by: .seconds(8))])
            let started = ContinuousClock.now
            let attempt = Task {
                try await fixture.ollama.complete(
                    CompletionRequest(prompt: "q"), model: "llama3.2", timeout: .seconds(4), logger: logger)
            }
            await fixture.advance(by: .seconds(4), of: .ollama)
            let error = await #expect(throws: ProviderError.self) { try await attempt.value }
            #expect(error?.kind == .timeout)
            #expect(ContinuousClock.now - started < .seconds(3), "returned when the (advanced) timeout passed")
        }
    }

    @Test("nothing listening on the port is a connect error, not a timeout")
    func connectionRefused() async throws {
        try await DoubleFixture.with { fixture in
            let refusing = try RefusingPort()
            let provider = OllamaProvider(
                httpClient: fixture.httpClient, baseURL: refusing.httpURL, defaultModel: "llama3.2")
            let error = await #expect(throws: ProviderError.self) {
                try await provider.complete(
                    CompletionRequest(prompt: "q"), model: "llama3.2", timeout: .seconds(5), logger: logger)
            }
            #expect(error?.kind == .connect)
            withExtendedLifetime(refusing) {}
        }
    }
}
