import Foundation
import Providers
import TestSupport
import Testing

@Suite("OpenAIProvider against the double")
struct OpenAIProviderTests {
    let logger = DoubleFixture.logger

    @Test("a completion sends the SDK's request shape and reads text, finish reason and usage")
    func completion() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script(
                [.success(text: "Hello!", promptTokens: 9, completionTokens: 2, finishReason: "length")], for: .openai)
            let request = CompletionRequest(
                messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "hi")],
                options: GenerationOptions(temperature: 0.2, topP: 0.9, maxTokens: 64, stop: ["\n"])
            )
            let completion = try await fixture.openAI.complete(
                request, model: "gpt-4o-mini", timeout: .seconds(5), logger: logger)
            #expect(
                completion
                    == Completion(
                        text: "Hello!", model: "gpt-4o-mini", finishReason: .length,
                        usage: TokenUsage(promptTokens: 9, completionTokens: 2, totalTokens: 11)))

            let seen = try #require(fixture.double.requests(for: .openai).first)
            #expect(seen.uri == "/v1/chat/completions")
            #expect(seen.header("authorization") == "Bearer \(DoubleFixture.openAIKey)")
            let body = try #require(seen.jsonBody)
            #expect(body["model"] as? String == "gpt-4o-mini")
            #expect((body["messages"] as? [[String: Any]])?.map { $0["role"] as? String } == ["system", "user"])
            #expect(body["temperature"] as? Double == 0.2)
            #expect(body["top_p"] as? Double == 0.9)
            #expect(body["max_tokens"] as? Int == 64)
            #expect(body["stop"] as? [String] == ["\n"])
            #expect(body["stream"] as? Bool == false)
            #expect(body["stream_options"] == nil)
        }
    }

    @Test("without a key no Authorization header is sent")
    func noKey() async throws {
        try await DoubleFixture.with { fixture in
            let keyless = OpenAIProvider(
                httpClient: fixture.httpClient, baseURL: fixture.double.baseURL + "/v1", apiKey: nil,
                defaultModel: "smollm2")
            let completion = try await keyless.complete(
                CompletionRequest(prompt: "hi there"), model: "smollm2", timeout: .seconds(5), logger: logger)
            #expect(completion.text == "Echo: hi there")
            #expect(fixture.double.requests(for: .openai).first?.header("authorization") == nil)
        }
    }

    @Test("401 is a non-retryable HTTP error carrying OpenAI's message")
    func unauthorized() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 401, message: "Incorrect API key provided: sk-test.")], for: .openai)
            let error = await #expect(throws: ProviderError.self) {
                try await fixture.openAI.complete(
                    CompletionRequest(prompt: "q"), model: "gpt-4o-mini", timeout: .seconds(5), logger: logger)
            }
            #expect(error == ProviderError(kind: .http(status: 401), message: "Incorrect API key provided: sk-test."))
            #expect(error?.isRetryable == false)
        }
    }

    @Test("an unknown model is a non-retryable 404 with the model_not_found message")
    func unknownModel() async throws {
        try await DoubleFixture.with(configuration: .init(restrictsModels: true)) { fixture in
            let error = await #expect(throws: ProviderError.self) {
                try await fixture.openAI.complete(
                    CompletionRequest(prompt: "q"), model: "gpt-nope", timeout: .seconds(5), logger: logger)
            }
            #expect(error?.kind == .http(status: 404))
            #expect(error?.message == "The model `gpt-nope` does not exist or you do not have access to it.")
            #expect(error?.isRetryable == false)
        }
    }

    @Test("429 is retryable and takes its delay from retry-after-ms before retry-after")
    func rateLimited() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script(
                [
                    ProviderDoubleBehaviour(kind: .error, status: 429, retryAfter: "20", retryAfterMs: "1500"),
                    ProviderDoubleBehaviour(kind: .error, status: 429, retryAfter: "2"),
                ],
                for: .openai
            )
            for expected in [Duration.milliseconds(1500), .seconds(2)] {
                let error = await #expect(throws: ProviderError.self) {
                    try await fixture.openAI.complete(
                        CompletionRequest(prompt: "q"), model: "gpt-4o-mini", timeout: .seconds(5), logger: logger)
                }
                #expect(error?.kind == .http(status: 429))
                #expect(error?.retryAfter == expected)
                #expect(error?.isRetryable == true)
            }
        }
    }

    @Test("the chain retries an OpenAI 503 and answers from the same provider")
    func chainRetry() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 503)], for: .openai)
            let result = await fixture.chain(providers: [fixture.openAI, fixture.ollama]).complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider == .openai)
            #expect(success.attempts.map(\.statusLabel) == ["503", "200"])
            #expect(success.completion.text == "Echo: ping")
        }
    }
}
