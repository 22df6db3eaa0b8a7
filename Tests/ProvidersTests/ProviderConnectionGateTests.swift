import Foundation
import Providers
import TestSupport
import Testing

@Suite("ProviderChain waiting for a provider connection")
struct ProviderConnectionGateTests {
    let logger = DoubleFixture.logger

    /// An Ollama provider on the double whose host has `connections` connections.
    func ollama(_ fixture: DoubleFixture, connections: Int) -> OllamaProvider {
        OllamaProvider(
            httpClient: fixture.httpClient, baseURL: fixture.double.baseURL, defaultModel: "llama3.2",
            clock: ProviderClock(fixture.clock),
            connectionGates: ProviderConnectionGates(connectionsPerHost: connections))
    }

    /// Polls `condition` (real time, up to 10 s).
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw AsyncCountingSemaphoreTests.TimedOut() }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("providers on one host share one gate, sized as the pool, and other hosts get their own")
    func gatesPerHost() {
        let gates = ProviderConnectionGates(connectionsPerHost: 3)
        let first = gates.gate(for: "http://127.0.0.1:11434")
        #expect(first.host == "http://127.0.0.1:11434")
        #expect(first.connections == 3)
        #expect(gates.gate(for: "HTTP://127.0.0.1:11434/v1").host == first.host)
        #expect(gates.gate(for: "https://api.example.com/v1").host == "https://api.example.com:443")
        #expect(gates.gate(for: "http://127.0.0.1:8081").host != first.host)
    }

    @Test("time spent waiting for a busy connection is not part of the attempt and never times it out")
    func waitIsNotAnAttempt() async throws {
        try await DoubleFixture.with { fixture in
            // Two providers on one host share its one connection. The stream runs on real time, so
            // moving the waiting call's clock cannot time the stream out.
            let gates = ProviderConnectionGates(connectionsPerHost: 1)
            let holder = OllamaProvider(
                httpClient: fixture.httpClient, baseURL: fixture.double.baseURL, defaultModel: "llama3.2",
                connectionGates: gates)
            let provider = OllamaProvider(
                httpClient: fixture.httpClient, baseURL: fixture.double.baseURL, defaultModel: "llama3.2",
                clock: ProviderClock(fixture.clock), connectionGates: gates)
            let gate = try #require(provider.connectionGate)
            let chain = fixture.chain(providers: [provider], providerTimeout: .seconds(5))
            let holderChain = ProviderChain(providers: [holder], retryPolicy: .default, providerTimeout: .seconds(5))
            fixture.double.script(
                [.streamed(["a", "b", "c"], chunkDelay: .milliseconds(300)), .success(text: "second")], for: .ollama)
            // The stream holds the one connection until its body has been read to the end.
            let streaming = await holderChain.stream(
                CompletionRequest(prompt: "one"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let stream = try #require(streaming.success).stream
            #expect(gate.available == 0)
            let waiting = Task {
                await chain.complete(
                    CompletionRequest(prompt: "two"), route: .default, deadline: fixture.clock.now + .seconds(60),
                    logger: logger)
            }
            try await eventually { gate.waiting == 1 }
            // Longer than the attempt timeout passes while it waits: no attempt has started.
            fixture.clock.advance(by: .seconds(20))
            var chunks = 0
            for try await _ in stream { chunks += 1 }
            #expect(chunks >= 3)  // the three texts, then the closing chunk with the usage
            let answered = try #require(await waiting.value.success)
            #expect(answered.completion.text == "second")
            #expect(answered.attempts.map(\.statusLabel) == ["200"])
            #expect(answered.attempts[0].latency < .seconds(5))
            #expect(fixture.double.requests(for: .ollama).count == 2)
            try await eventually { gate.available == 1 }
        }
    }

    @Test("the deadline passing while every connection is busy ends the call as deadline exceeded, with no attempt")
    func deadlineWhileWaiting() async throws {
        try await DoubleFixture.with { fixture in
            let provider = ollama(fixture, connections: 1)
            let gate = try #require(provider.connectionGate)
            let chain = fixture.chain(providers: [provider], providerTimeout: .seconds(5))
            fixture.double.script([.streamed(["a", "b"], chunkDelay: .seconds(1))], for: .ollama)
            var streaming: StreamingChainResult? = await chain.stream(
                CompletionRequest(prompt: "one"), route: .default, deadline: relaxedDeadline(), logger: logger)
            #expect(streaming?.success != nil)
            let waiting = Task {
                await chain.complete(
                    CompletionRequest(prompt: "two"), route: .default, deadline: fixture.clock.now + .seconds(3),
                    logger: logger)
            }
            try await eventually { gate.waiting == 1 }
            fixture.clock.advance(by: .seconds(3))
            let failure = try #require(await waiting.value.failure)
            #expect(failure.reason == .deadlineExceeded)
            #expect(failure.attempts.isEmpty)
            #expect(failure.message.contains("No connection to ollama"))
            #expect(failure.message.contains("all 1 (PROVIDER_MAX_CONNECTIONS) were busy"))
            #expect(gate.waiting == 0)
            #expect(fixture.double.requests(for: .ollama).count == 1)
            // Dropping the stream cancels its body and gives the connection back.
            streaming = nil
            try await eventually { gate.available == 1 }
        }
    }

    @Test("a call cancelled while it waits for a connection ends as cancelled and takes none")
    func cancelledWhileWaiting() async throws {
        try await DoubleFixture.with { fixture in
            let provider = ollama(fixture, connections: 1)
            let gate = try #require(provider.connectionGate)
            let chain = fixture.chain(providers: [provider], providerTimeout: .seconds(5))
            fixture.double.script(
                [.streamed(["a", "b"], chunkDelay: .milliseconds(300)), .success(text: "after")], for: .ollama)
            let streaming = await chain.stream(
                CompletionRequest(prompt: "one"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let stream = try #require(streaming.success).stream
            let waiting = Task {
                await chain.complete(
                    CompletionRequest(prompt: "two"), route: .default, deadline: relaxedDeadline(), logger: logger)
            }
            try await eventually { gate.waiting == 1 }
            waiting.cancel()
            let failure = try #require(await waiting.value.failure)
            #expect(failure.reason == .cancelled)
            #expect(failure.attempts.isEmpty)
            #expect(gate.waiting == 0)
            for try await _ in stream {}
            try await eventually { gate.available == 1 }
            // The connection it never took is there for the next call.
            let next = await chain.complete(
                CompletionRequest(prompt: "three"), route: .default, deadline: relaxedDeadline(), logger: logger)
            #expect(next.success?.completion.text == "after")
            #expect(gate.available == 1)
        }
    }

    @Test("failed attempts give their connection back before the retry")
    func failedAttemptsReleaseTheirConnection() async throws {
        try await DoubleFixture.with { fixture in
            let provider = ollama(fixture, connections: 1)
            let gate = try #require(provider.connectionGate)
            let chain = fixture.chain(providers: [provider], providerTimeout: .seconds(5))
            fixture.double.script([.error(status: 503), .error(status: 500), .success(text: "third")], for: .ollama)
            let answered = try #require(
                await chain.complete(
                    CompletionRequest(prompt: "q"), route: .default, deadline: relaxedDeadline(), logger: logger
                ).success)
            #expect(answered.attempts.map(\.statusLabel) == ["503", "500", "200"])
            #expect(gate.available == 1)
        }
    }
}
