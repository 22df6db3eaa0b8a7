import Providers
import TestSupport
import Testing

/// The attempt timeout on the real clock (`ProviderClock.continuous`); the other tests move a
/// test clock forward instead, so this is the only place the real timer is seen to fire.
@Suite("Attempt timeout on the real clock")
struct AttemptTimeoutTests {
    let logger = DoubleFixture.logger

    @Test("an answer slower than the timeout is a timeout on the real clock too, returned on time")
    func slowAnswerTimesOut() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([ProviderDoubleBehaviour.success().delayed(by: .seconds(8))])
            let provider = OllamaProvider(
                httpClient: fixture.httpClient, baseURL: fixture.double.baseURL, defaultModel: "llama3.2")
            let started = ContinuousClock.now
            let error = await #expect(throws: ProviderError.self) {
                try await provider.complete(
                    CompletionRequest(prompt: "q"), model: "llama3.2", timeout: .milliseconds(500), logger: logger)
            }
            #expect(error?.kind == .timeout)
            #expect(error?.message == "no complete answer within 500 ms")
            #expect(ContinuousClock.now - started < .seconds(5), "returned when the timeout passed")
        }
    }

    @Test("an answer within the timeout on the real clock is read whole")
    func answerWithinTimeout() async throws {
        try await DoubleFixture.with { fixture in
            let provider = OllamaProvider(
                httpClient: fixture.httpClient, baseURL: fixture.double.baseURL, defaultModel: "llama3.2")
            let completion = try await provider.complete(
                CompletionRequest(prompt: "hello there"), model: "llama3.2", timeout: .seconds(10), logger: logger)
            #expect(completion.text == "Echo: hello there")
        }
    }
}
