import Foundation
import Providers
import TestSupport
import Testing

@Suite("ProviderChain against the double")
struct ProviderChainTests {
    let logger = DoubleFixture.logger

    @Test("a healthy primary answers on the first attempt without fallback")
    func primaryAnswers() async throws {
        try await DoubleFixture.with { fixture in
            let result = await fixture.chain().complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider == .gemini)
            #expect(success.model == "gemini-2.0-flash")
            #expect(success.completion.text == "Echo: ping")
            #expect(success.attempts.count == 1)
            #expect(success.attempts.first?.error == nil)
            #expect(!success.fallback)
        }
    }

    @Test("a 503 then a success takes two attempts on the same provider")
    func retryThenSuccess() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 503)], for: .gemini)
            let recorder = SleepRecorder()
            let result = await fixture.chain(sleep: recorder.sleep).complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider == .gemini)
            #expect(success.attempts.map(\.statusLabel) == ["503", "200"])
            #expect(success.attempts.first?.error?.message == "The model is overloaded. Please try again later.")
            #expect(!success.fallback)
            #expect(recorder.durations.count == 1)
            #expect(fixture.double.requests(for: .gemini).count == 2)
        }
    }

    @Test("400 and 404 are not retried and the next provider is tried at once", arguments: [400, 404])
    func nonRetryableFallsBack(status: Int) async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: status)], for: .gemini)
            let recorder = SleepRecorder()
            let result = await fixture.chain(sleep: recorder.sleep).complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider == .ollama)
            #expect(success.fallback)
            #expect(success.attempts.map(\.statusLabel) == [String(status), "200"])
            #expect(recorder.durations.isEmpty)
            #expect(fixture.double.requests(for: .gemini).count == 1)
        }
    }

    @Test("when retries are exhausted the fallback answers and every attempt is listed")
    func exhaustedThenFallback() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 503), .error(status: 500), .error(status: 429)], for: .gemini)
            let route = ProviderRoute(requestedProvider: nil, requestedModel: "gemini-2.5-flash")
            let result = await fixture.chain().complete(
                CompletionRequest(prompt: "ping"), route: route, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider == .ollama)
            #expect(success.model == "llama3.2")
            #expect(success.fallback)
            #expect(success.completion.text == "Echo: ping")
            #expect(success.attempts.map(\.statusLabel) == ["503", "500", "429", "200"])
            #expect(success.attempts.map(\.provider) == [.gemini, .gemini, .gemini, .ollama])
            // The pinned model applies to the first hop only.
            #expect(success.attempts.prefix(3).allSatisfy { $0.model == "gemini-2.5-flash" })
            #expect(
                fixture.double.requests(for: .gemini).allSatisfy {
                    $0.path == "/v1beta/models/gemini-2.5-flash:generateContent"
                })
            #expect(fixture.double.requests(for: .ollama).first?.jsonBody?["model"] as? String == "llama3.2")
        }
    }

    @Test("an attempt slower than the provider timeout counts as a timeout and is retried")
    func timeoutIsRetried() async throws {
        try await DoubleFixture.with { fixture in
            // The slow answer takes 30 s; the clock is moved past the first attempt's timeout, and
            // the retried call returns long before (a loaded CI machine took 1.6 s, so the bound
            // is far from both). The timeout is 5 s, not less: it also runs in real time, and a
            // CI run with a build beside it once took over 400 ms for the retried attempt.
            fixture.double.script([ProviderDoubleBehaviour.success().delayed(by: .seconds(30))], for: .gemini)
            let started = ContinuousClock.now
            async let result = fixture.chain(providerTimeout: .seconds(5)).complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            await fixture.advance(by: .seconds(5), of: .gemini)
            let success = try #require(await result.success)
            #expect(success.provider == .gemini)
            #expect(success.attempts.map(\.statusLabel) == ["timeout", "200"])
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }

    @Test("a dropped connection counts as connect and malformed JSON as invalid_response, which falls back")
    func transportFailures() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.drop, .malformedJSON], for: .gemini)
            let result = await fixture.chain().complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.attempts.map(\.statusLabel) == ["connect", "invalid_response", "200"])
            #expect(success.provider == .ollama)
        }
    }

    @Test("the deadline across retries ends the chain with deadlineExceeded without sleeping past it")
    func deadlineAcrossRetries() async throws {
        try await DoubleFixture.with { fixture in
            // Warm the connection first: with the whole suite starting at once on two cores, a
            // cold first request alone can take most of a short deadline.
            _ = try await fixture.gemini.complete(
                CompletionRequest(prompt: "warm-up"), model: "gemini-2.0-flash", timeout: .seconds(5), logger: logger)
            fixture.double.script(Array(repeating: .error(status: 503), count: 20), for: .gemini)
            // The backoff sleeps move the fixture's clock on, so the deadline passes without waiting.
            let chain = fixture.chain(maxAttempts: 20, baseDelay: .milliseconds(80), maxDelay: .milliseconds(80))
            let started = fixture.clock.now
            let deadline = started + .milliseconds(500)
            let route = ProviderRoute(requestedProvider: .gemini, requestedModel: nil)
            let result = await chain.complete(
                CompletionRequest(prompt: "ping"), route: route, deadline: deadline, logger: logger)
            let elapsed = fixture.clock.now - started
            let failure = try #require(result.failure)
            #expect(failure.reason == .deadlineExceeded)
            #expect(failure.attempts.count >= 2)
            #expect(failure.attempts.allSatisfy { $0.provider == .gemini })
            // Twenty attempts with their backoff would take 1.6 s: it stops near the deadline.
            #expect(elapsed < .milliseconds(500) + .milliseconds(400))
        }
    }

    @Test("an attempt cut short by the request deadline ends the chain with deadlineExceeded on time")
    func deadlineDuringAttempt() async throws {
        try await DoubleFixture.with { fixture in
            // A deadline long enough that a loaded machine still starts the attempt before it; the
            // test clock then jumps to it, so nothing waits for it in real time.
            fixture.double.script([ProviderDoubleBehaviour.success().delayed(by: .seconds(30))], for: .gemini)
            let started = fixture.clock.now
            async let result = fixture.chain(providerTimeout: .seconds(60)).complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: started + .seconds(10), logger: logger)
            await fixture.advance(by: .seconds(10), of: .gemini)
            let deadlinePassed = fixture.clock.now
            let failure = try #require(await result.failure)
            #expect(failure.reason == .deadlineExceeded)
            #expect(failure.attempts.map(\.statusLabel) == ["timeout"])
            #expect(fixture.clock.now - started >= .seconds(10))
            #expect(
                fixture.clock.now - deadlinePassed < .seconds(2),
                "ends soon after the deadline, not with the 30 s answer")
            #expect(fixture.double.requests(for: .ollama).isEmpty)
        }
    }

    @Test("Gemini's RetryInfo delay is honoured as the backoff")
    func retryInfoHonoured() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 429, retryDelay: "0.2s")], for: .gemini)
            let recorder = SleepRecorder()
            let chain = fixture.chain(baseDelay: .milliseconds(1), maxDelay: .seconds(1), sleep: recorder.sleep)
            let result = await chain.complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.attempts.map(\.statusLabel) == ["429", "200"])
            #expect(success.attempts.first?.error?.retryAfter == .milliseconds(200))
            #expect(recorder.durations == [.milliseconds(200)])
        }
    }

    @Test("a Retry-After header is honoured as the backoff")
    func retryAfterHeaderHonoured() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([ProviderDoubleBehaviour.error(status: 503).withRetryAfter("1")], for: .ollama)
            let recorder = SleepRecorder()
            let chain = ProviderChain(
                providers: [fixture.ollama],
                retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1), maxDelay: .seconds(2)),
                providerTimeout: .seconds(5),
                sleep: recorder.sleep
            )
            let result = await chain.complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            #expect(result.success?.attempts.count == 2)
            #expect(recorder.durations == [.seconds(1)])
        }
    }

    @Test("a pinned provider is never followed by a fallback")
    func pinnedProviderNoFallback() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 400, message: "invalid model name")], for: .ollama)
            let route = ProviderRoute(requestedProvider: .ollama, requestedModel: "llama3.2:1b")
            let result = await fixture.chain().complete(
                CompletionRequest(prompt: "ping"), route: route, deadline: relaxedDeadline(), logger: logger)
            let failure = try #require(result.failure)
            #expect(failure.reason == .allProvidersFailed)
            #expect(failure.provider == .ollama)
            #expect(failure.model == "llama3.2:1b")
            #expect(failure.attempts.map(\.statusLabel) == ["400"])
            #expect(failure.message == #"All providers failed: ollama (llama3.2:1b) 400 "invalid model name"."#)
            #expect(fixture.double.requests(for: .gemini).isEmpty)
        }
    }

    @Test("when every provider fails the failure lists each attempt and the longest retry hint")
    func allProvidersFail() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 429, retryDelay: "3s"), .error(status: 403)], for: .gemini)
            fixture.double.script([.error(status: 503), .error(status: 503)], for: .ollama)
            let chain = fixture.chain(maxAttempts: 2, sleep: SleepRecorder().sleep)
            let result = await chain.complete(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let failure = try #require(result.failure)
            #expect(failure.reason == .allProvidersFailed)
            #expect(failure.attempts.map(\.statusLabel) == ["429", "403", "503", "503"])
            #expect(failure.provider == .ollama)
            #expect(failure.retryAfter == .seconds(3))
            #expect(failure.message.hasPrefix("All providers failed: gemini (gemini-2.0-flash) 429 "))
        }
    }

    @Test("cancelling the caller stops the chain promptly")
    func cancellationStops() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([ProviderDoubleBehaviour.success().delayed(by: .seconds(30))], for: .gemini)
            let chain = fixture.chain(providerTimeout: .seconds(60))
            let started = ContinuousClock.now
            let task = Task {
                await chain.complete(
                    CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            }
            _ = await fixture.double.requests(waitingUpTo: .seconds(10)) { !$0.isEmpty }
            task.cancel()
            let result = await task.value
            #expect(result.failure?.reason == .cancelled)
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(fixture.double.requests(for: .ollama).isEmpty)
        }
    }

    @Test("a pinned provider that is not configured fails without any attempt")
    func unconfiguredProvider() async throws {
        try await DoubleFixture.with { fixture in
            let route = ProviderRoute(requestedProvider: .openai, requestedModel: nil)
            let result = await fixture.chain().complete(
                CompletionRequest(prompt: "ping"), route: route, deadline: relaxedDeadline(), logger: logger)
            let failure = try #require(result.failure)
            #expect(failure.attempts.isEmpty)
            #expect(fixture.double.requests.isEmpty)
        }
    }
}
