import Foundation
import Logging
import Providers
import TestSupport
import Testing

@Suite("Streaming against the double")
struct StreamingIntegrationTests {
    let logger = DoubleFixture.logger

    private func openStream(
        _ fixture: DoubleFixture, _ route: ProviderDoubleRoute, firstByte: Duration = .seconds(5),
        idle: Duration = .seconds(5)
    ) async throws -> CompletionStream {
        let provider = fixture.provider(for: route)
        return try await provider.stream(
            CompletionRequest(prompt: "hi"), model: provider.defaultModel, firstByteTimeout: firstByte,
            idleTimeout: idle, logger: logger)
    }

    @Test(
        "each provider streams text equal to the joined deltas, with its usage and finish reason",
        arguments: ProviderDoubleRoute.allCases)
    func streamedTextAndUsage(route: ProviderDoubleRoute) async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script(
                [.streamed(["Hel", "lo ", "world"], promptTokens: 4, completionTokens: 3)], for: route)
            var deltas: [String] = []
            var total = CompletionAccumulator()
            for try await chunk in try await openStream(fixture, route) {
                deltas.append(chunk.textDelta)
                total.add(chunk)
            }
            #expect(deltas.filter { !$0.isEmpty } == ["Hel", "lo ", "world"])
            #expect(total.text == "Hello world")
            #expect(total.usage == TokenUsage(promptTokens: 4, completionTokens: 3, totalTokens: 7))
            #expect(total.finishReason == .stop)

            let seen = try #require(fixture.double.requests(for: route).first)
            switch route {
            case .gemini:
                #expect(seen.uri == "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse")
                #expect(seen.header("accept") == "text/event-stream")
            case .ollama:
                #expect(seen.jsonBody?["stream"] as? Bool == true)
            case .openai:
                #expect(seen.uri == "/v1/chat/completions")
                #expect(seen.jsonBody?["stream"] as? Bool == true)
                #expect((seen.jsonBody?["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
                #expect(seen.header("authorization") == "Bearer \(DoubleFixture.openAIKey)")
            case .azure:
                #expect(seen.uri == "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21")
                #expect((seen.jsonBody?["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
                #expect(seen.header("api-key") == DoubleFixture.azureKey)
            }
        }
    }

    @Test(
        "the first chunk reaches the consumer while the provider is still sending the rest",
        arguments: ProviderDoubleRoute.allCases)
    func chunksArriveIncrementally(route: ProviderDoubleRoute) async throws {
        try await DoubleFixture.with { fixture in
            // 400 ms apart: generous, so a busy machine (the whole suite runs in parallel on two
            // cores; 150 ms was once not enough) cannot make the last chunk go out before the
            // first is read.
            fixture.double.script([.streamed(["a", "b", "c", "d", "e"], chunkDelay: .milliseconds(400))], for: route)
            var iterator = try await openStream(fixture, route).makeAsyncIterator()
            var first: CompletionChunk?
            while let chunk = try await iterator.next() {
                if !chunk.textDelta.isEmpty {
                    first = chunk
                    break
                }
            }
            #expect(first?.textDelta == "a")
            let inFlight = try #require(fixture.double.exchanges.last)
            #expect(inFlight.chunksWritten < inFlight.totalChunks)
            #expect(!inFlight.completed)
            var rest = ""
            while let chunk = try await iterator.next() { rest += chunk.textDelta }
            #expect(rest == "bcde")
            #expect(fixture.double.exchanges.last?.completed == true)
        }
    }

    @Test(
        "a mid-stream failure is thrown by the stream after the delivered text, and nothing is retried",
        arguments: ProviderDoubleRoute.allCases)
    func midStreamFailure(route: ProviderDoubleRoute) async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script(
                [.failMidStream(after: ["partial ", "answer"], message: "the runner crashed")], for: route)
            let chain = fixture.chain(
                providers: [fixture.provider(for: route), fixture.ollama, fixture.gemini].uniqued())
            let result = await chain.stream(
                CompletionRequest(prompt: "hi"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider == fixture.provider(for: route).name)
            #expect(success.attempts.count == 1)
            var received = ""
            let error = await #expect(throws: ProviderError.self) {
                for try await chunk in success.stream { received += chunk.textDelta }
            }
            #expect(received == "partial answer")
            #expect(error?.message.contains("the runner crashed") == true)
            #expect(fixture.double.requests.count == 1)
        }
    }

    @Test(
        "errors before the first chunk are retried, then the chain falls back, and the first chunk is handed out once")
    func errorBeforeFirstChunkFallsBack() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 503), .error(status: 503), .error(status: 429)], for: .gemini)
            let result = await fixture.chain().stream(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider == .ollama)
            #expect(success.model == "llama3.2")
            #expect(success.fallback)
            #expect(success.attempts.map(\.statusLabel) == ["503", "503", "429", "200"])
            #expect(success.firstChunk.textDelta == "Echo:")
            let completion = try await success.stream.collect(requestedModel: success.model)
            #expect(completion.text == "Echo: ping")
            #expect(completion.usage?.completionTokens == 2)
        }
    }

    @Test("a pinned provider that refuses the stream is a chain failure with its attempts")
    func pinnedProviderFailure() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 404)], for: .ollama)
            let route = ProviderRoute(requestedProvider: .ollama, requestedModel: "mistral")
            let result = await fixture.chain().stream(
                CompletionRequest(prompt: "ping"), route: route, deadline: relaxedDeadline(), logger: logger)
            let failure = try #require(result.failure)
            #expect(failure.reason == .allProvidersFailed)
            #expect(failure.attempts.map(\.statusLabel) == ["404"])
            #expect(fixture.double.requests(for: .gemini).isEmpty)
        }
    }

    @Test(
        "no first chunk within the first-byte timeout is a timed-out attempt, the chain falls back, and the slow stream is closed"
    )
    func firstByteTimeout() async throws {
        try await DoubleFixture.with { fixture in
            // 1 s, not less: the fallback's own first chunk must fit in the same timeout on a
            // loaded 2-core CI machine with a cold connection (200 ms once flaked there).
            fixture.double.script([.streamed(["late"], chunkDelay: .seconds(6))], for: .gemini)
            let started = ContinuousClock.now
            async let result = fixture.chain(maxAttempts: 1, providerTimeout: .seconds(1)).stream(
                CompletionRequest(prompt: "ping"), route: .default, deadline: relaxedDeadline(), logger: logger)
            await fixture.advance(by: .seconds(1), of: .gemini)
            let success = try #require(await result.success)
            #expect(ContinuousClock.now - started < .milliseconds(5000))
            #expect(success.provider == .ollama)
            #expect(success.attempts.map(\.statusLabel) == ["timeout", "200"])
            let exchanges = await fixture.double.exchanges(waitingUpTo: .seconds(10)) {
                $0.first?.closedByClient == true
            }
            #expect(exchanges.first?.route == .gemini)
            #expect(exchanges.first?.closedByClient == true)
        }
    }

    @Test("a stream that stays quiet longer than the idle timeout throws a timeout and its connection is closed")
    func idleTimeout() async throws {
        try await DoubleFixture.with { fixture in
            // Each chunk comes 3 s after the one before (1 s once let the second arrive first in a
            // CI run whose two cores were saturated, before the watchdog woken by the advance ran).
            fixture.double.script([.streamed(["a", "b"], chunkDelay: .seconds(3))], for: .ollama)
            var iterator = try await openStream(fixture, .ollama, firstByte: .seconds(10), idle: .milliseconds(150))
                .makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.textDelta == "a")
            fixture.clock.advance(by: .milliseconds(150))
            var later = ""
            let error = await #expect(throws: ProviderError.self) {
                while let chunk = try await iterator.next() { later += chunk.textDelta }
            }
            #expect(error?.kind == .timeout)
            // The timeout fired before the next chunk (due 3 s after the first) arrived.
            #expect(later.isEmpty)
            let exchanges = await fixture.double.exchanges(waitingUpTo: .seconds(10)) {
                $0.last?.closedByClient == true
            }
            #expect(exchanges.last?.closedByClient == true)
        }
    }

    @Test("cancelling the consumer's task closes the upstream connection promptly")
    func consumerCancellation() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script(
                [.streamed(Array(repeating: "x ", count: 100), chunkDelay: .milliseconds(50))], for: .openai)
            let stream = try await openStream(fixture, .openai)
            let consumer = Task { () -> ProviderError? in
                do {
                    for try await _ in stream {}
                    return nil
                } catch {
                    return error as? ProviderError
                }
            }
            _ = await fixture.double.exchanges(waitingUpTo: .seconds(10)) { ($0.last?.chunksWritten ?? 0) >= 3 }
            let writtenAtCancel = fixture.double.exchanges.last?.chunksWritten ?? 0
            consumer.cancel()
            #expect(await consumer.value?.kind == .cancelled)
            let exchanges = await fixture.double.exchanges(waitingUpTo: .seconds(10)) {
                $0.last?.closedByClient == true
            }
            #expect(exchanges.last?.closedByClient == true)
            #expect(exchanges.last?.completed == false)
            // Promptly, counted in the double's chunks (50 ms apart): well before the stream's end
            // (100 chunks). 11 have been seen on a two-core machine running the whole suite plus a
            // build, so the bound is 30, not a handful; `completed == false` above is the core check.
            #expect((exchanges.last?.chunksWritten ?? .max) - writtenAtCancel <= 30)
        }
    }

    @Test("dropping a stream after its first chunk closes the upstream connection")
    func droppedStream() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script(
                [.streamed(Array(repeating: "y ", count: 100), chunkDelay: .milliseconds(50))], for: .gemini)
            do {
                let stream = try await openStream(fixture, .gemini)
                for try await _ in stream { break }
            }
            let exchanges = await fixture.double.exchanges(waitingUpTo: .seconds(10)) {
                $0.last?.closedByClient == true
            }
            #expect(exchanges.last?.closedByClient == true)
            #expect((exchanges.last?.chunksWritten ?? .max) < 100)
        }
    }

    @Test("a connection that breaks off mid-stream makes the stream throw a connect error")
    func connectionBreaksMidStream() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.closeMidBody], for: .openai)
            let stream = try await openStream(fixture, .openai)
            let error = await #expect(throws: ProviderError.self) {
                for try await _ in stream {}
            }
            #expect(error?.kind == .connect)
        }
    }

    @Test("a stream refused before it starts throws the same error as the non-streaming call")
    func refusalBeforeTheStream() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 429, retryDelay: "2s")], for: .gemini)
            let error = await #expect(throws: ProviderError.self) { try await openStream(fixture, .gemini) }
            #expect(error?.kind == .http(status: 429))
            #expect(error?.retryAfter == .seconds(2))
            #expect(error?.isRetryable == true)
        }
    }
}

@Suite("Streaming fallbacks and cancellation")
struct StreamingChainEdgeTests {
    let logger = DoubleFixture.logger

    /// A provider that only implements `complete`, like a test stand-in.
    struct CompleteOnlyProvider: ChatProvider {
        let name = ProviderName.openai
        let kind = ProviderKind.openai
        let defaultModel = "stub"
        func complete(
            _ request: CompletionRequest, model: String, timeout: Duration, logger: Logger
        ) async throws(ProviderError) -> Completion {
            Completion(
                text: "whole answer", model: model, finishReason: .length,
                usage: TokenUsage(promptTokens: 1, completionTokens: 2, totalTokens: 3))
        }
    }

    @Test("a provider without its own streaming streams its whole answer as one chunk and lists its default model")
    func defaultStreaming() async throws {
        let chain = ProviderChain(
            providers: [CompleteOnlyProvider()], retryPolicy: .default, providerTimeout: .seconds(1))
        let result = await chain.stream(
            CompletionRequest(prompt: "q"), route: .default, deadline: relaxedDeadline(), logger: logger)
        let success = try #require(result.success)
        var chunks: [CompletionChunk] = []
        for try await chunk in success.stream { chunks.append(chunk) }
        #expect(
            chunks == [
                CompletionChunk(
                    textDelta: "whole answer", finishReason: .length,
                    usage: TokenUsage(promptTokens: 1, completionTokens: 2, totalTokens: 3), model: "stub")
            ])
        #expect(
            try await CompleteOnlyProvider().listModels(timeout: .seconds(1), logger: logger) == [
                ProviderModel(id: "stub", created: nil, ownedBy: "openai")
            ])
    }

    @Test("cancelling the chain while it waits for the first chunk ends as cancelled and closes the upstream")
    func cancelledBeforeFirstChunk() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.streamed(["late"], chunkDelay: .seconds(5))], for: .gemini)
            let chain = fixture.chain()
            let waiting = Task {
                await chain.stream(
                    CompletionRequest(prompt: "q"), route: .default, deadline: relaxedDeadline(), logger: logger)
            }
            _ = await fixture.double.exchanges(waitingUpTo: .seconds(10)) { !$0.isEmpty }
            waiting.cancel()
            let failure = try #require(await waiting.value.failure)
            #expect(failure.reason == .cancelled)
            let exchanges = await fixture.double.exchanges(waitingUpTo: .seconds(10)) {
                $0.first?.closedByClient == true
            }
            #expect(exchanges.first?.closedByClient == true)
            #expect(fixture.double.requests(for: .ollama).isEmpty)
        }
    }
}
