import HTTPTypes
import Logging
import NIOConcurrencyHelpers
import Providers
import TestSupport
import Testing

@testable import ChatService

@Suite("Model residency (always-on and heavy models) against a fake Ollama")
struct ModelResidencyTests {
    static let logger = Logger(label: "residency-test")

    static func residency(
        _ ollama: FakeOllamaMemory, clock: AdjustableClock = AdjustableClock(), alwaysOn: [String] = [],
        heavy: [String] = ["*:70b", "qwen2.5-coder:32b"], metrics: ServiceMetrics = ServiceMetrics()
    ) -> ModelResidency {
        ModelResidency(
            settings: ModelResidencySettings(
                alwaysOnModels: alwaysOn, heavyModels: heavy, keepAlive: .string("10m"),
                unloadPollInterval: .milliseconds(1)),
            backend: ollama, clock: ProviderClock(clock), callTimeout: .seconds(5), metrics: metrics)
    }

    static func deadline(_ clock: AdjustableClock) -> ContinuousClock.Instant { clock.now + .seconds(60) }

    @Test("a light model never waits, not even while a heavy model holds its turn")
    func lightModelsNeverWait() async throws {
        let clock = AdjustableClock()
        let residency = Self.residency(FakeOllamaMemory(), clock: clock)
        let heavy = try await residency.prepare(
            model: "llama3:70b", deadline: Self.deadline(clock), logger: Self.logger)
        #expect(heavy != nil)
        let light = try await residency.prepare(
            model: "llama3.2:3b", deadline: Self.deadline(clock), logger: Self.logger)
        #expect(light == nil)
        heavy?.release()
    }

    @Test("a swap unloads the other heavy model and waits until /api/ps no longer lists it")
    func swapWaitsForTheUnload() async throws {
        let ollama = FakeOllamaMemory(loaded: ["llama3:70b", "llama3.2:3b"])
        ollama.keepListingAfterUnload(2)
        let metrics = ServiceMetrics()
        let clock = AdjustableClock()
        let residency = Self.residency(ollama, clock: clock, metrics: metrics)
        let lease = try #require(
            try await residency.prepare(model: "qwen2.5-coder:32b", deadline: Self.deadline(clock), logger: Self.logger)
        )
        #expect(lease.unloaded == ["llama3:70b"])
        #expect(ollama.calls == ["ps", "unload llama3:70b", "ps", "ps", "ps"])
        #expect(ollama.loaded == ["llama3.2:3b"])
        lease.release()
        let text = metrics.prometheusText
        #expect(MetricsTests.value(text, #"chat_ollama_swaps_total{outcome="ok"}"#) == 1)
        #expect(MetricsTests.value(text, #"chat_ollama_model_unloads_total{model="llama3:70b"}"#) == 1)
        #expect(
            MetricsTests.value(text, #"chat_ollama_model_loads_total{model="qwen2.5-coder:32b",reason="on_use"}"#) == 1)
        #expect(MetricsTests.value(text, "chat_ollama_swap_duration_seconds_count") == 1)
    }

    @Test("the same heavy model twice needs no swap, and the light models stay loaded")
    func sameHeavyModelNoSwap() async throws {
        let ollama = FakeOllamaMemory(loaded: ["llama3:70b", "llama3.2:3b"])
        let clock = AdjustableClock()
        let residency = Self.residency(ollama, clock: clock)
        let lease = try #require(
            try await residency.prepare(model: "llama3:70b", deadline: Self.deadline(clock), logger: Self.logger))
        #expect(lease.unloaded.isEmpty)
        #expect(ollama.calls == ["ps"])
        lease.release()
    }

    @Test("queued heavy requests get their turns in arrival order, one at a time")
    func heavyTurnsInArrivalOrder() async throws {
        let ollama = FakeOllamaMemory()
        let clock = AdjustableClock()
        let metrics = ServiceMetrics()
        let residency = Self.residency(ollama, clock: clock, metrics: metrics)
        let first = try #require(
            try await residency.prepare(model: "llama3:70b", deadline: Self.deadline(clock), logger: Self.logger))
        let order = NIOLockedValueBox<[String]>([])
        let holders = NIOLockedValueBox(0)
        let maxHolders = NIOLockedValueBox(0)
        let arrivals = ["qwen2.5-coder:32b", "llama3:70b", "qwen2.5-coder:32b", "mixtral:70b"]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, model) in arrivals.enumerated() {
                group.addTask {
                    let lease = try await residency.prepare(
                        model: model, deadline: Self.deadline(clock), logger: Self.logger)
                    let now = holders.withLockedValue {
                        $0 += 1
                        return $0
                    }
                    maxHolders.withLockedValue { $0 = max($0, now) }
                    order.withLockedValue { $0.append("\(index) \(model)") }
                    try await Task.sleep(for: .milliseconds(2))
                    holders.withLockedValue { $0 -= 1 }
                    lease?.release()
                }
                // The next one arrives only once this one is queued.
                while residency.queueDepth < index + 1 { try await Task.sleep(for: .milliseconds(1)) }
            }
            let gauge = metrics.prometheusText
            #expect(MetricsTests.value(gauge, "chat_ollama_heavy_queue_depth") == 4)
            first.release()
            try await group.waitForAll()
        }
        #expect(order.withLockedValue { $0 } == arrivals.enumerated().map { "\($0.offset) \($0.element)" })
        #expect(maxHolders.withLockedValue { $0 } == 1)
        // Nothing was in memory, so no turn had anything to unload.
        #expect(!ollama.calls.contains { $0.hasPrefix("unload") })
        #expect(residency.queueDepth == 0)
    }

    @Test("a failing unload is a clear upstream error for that request, and the next one still gets its turn")
    func failingUnload() async throws {
        let ollama = FakeOllamaMemory(loaded: ["llama3:70b"])
        ollama.failUnloads(with: ProviderError(kind: .http(status: 500), message: "runner is busy"))
        let clock = AdjustableClock()
        let metrics = ServiceMetrics()
        let residency = Self.residency(ollama, clock: clock, metrics: metrics)
        let error = await #expect(throws: ModelResidencyError.self) {
            _ = try await residency.prepare(model: "mixtral:70b", deadline: Self.deadline(clock), logger: Self.logger)
        }
        #expect(error?.kind == .upstreamFailed)
        #expect(error?.message.contains("could not unload llama3:70b") == true)
        #expect(error?.message.contains("runner is busy") == true)
        #expect(APIError(residency: try #require(error)).status == .badGateway)
        let text = metrics.prometheusText
        #expect(MetricsTests.value(text, #"chat_ollama_swaps_total{outcome="failed"}"#) == 1)
        // The turn was handed on: the loaded heavy model is served at once.
        let lease = try await residency.prepare(
            model: "llama3:70b", deadline: Self.deadline(clock), logger: Self.logger)
        #expect(lease != nil)
        lease?.release()
    }

    @Test("a model that never leaves /api/ps ends in a timeout at the deadline, not a hang")
    func unloadThatNeverFinishes() async throws {
        let ollama = FakeOllamaMemory(loaded: ["llama3:70b"])
        ollama.keepListingAfterUnload(Int.max)
        let clock = AdjustableClock()
        let residency = Self.residency(ollama, clock: clock)
        let deadline = clock.now + .seconds(3600)
        let swap = Task { try await residency.prepare(model: "mixtral:70b", deadline: deadline, logger: Self.logger) }
        // Polls run every millisecond of real time; move the clock past the deadline once the
        // unload was asked for.
        while !ollama.calls.contains("unload llama3:70b") { try await Task.sleep(for: .milliseconds(1)) }
        clock.advance(by: .seconds(3601))
        let error = await #expect(throws: ModelResidencyError.self) { _ = try await swap.value }
        #expect(error?.kind == .timedOut)
        #expect(error?.message.contains("llama3:70b was still loaded") == true)
        #expect(APIError(residency: try #require(error)).status == .gatewayTimeout)
    }

    @Test("a queued heavy request whose deadline passes leaves the queue with a timeout")
    func queuedRequestTimesOut() async throws {
        let clock = AdjustableClock()
        let residency = Self.residency(FakeOllamaMemory(), clock: clock)
        let holder = try await residency.prepare(
            model: "llama3:70b", deadline: Self.deadline(clock), logger: Self.logger)
        let waiter = Task {
            try await residency.prepare(model: "mixtral:70b", deadline: clock.now + .seconds(30), logger: Self.logger)
        }
        while residency.queueDepth < 1 { try await Task.sleep(for: .milliseconds(1)) }
        clock.advance(by: .seconds(31))
        let error = await #expect(throws: ModelResidencyError.self) { _ = try await waiter.value }
        #expect(error?.kind == .timedOut)
        #expect(residency.queueDepth == 0)
        holder?.release()
        // Nobody holds the turn any more.
        let next = try await residency.prepare(
            model: "mixtral:70b", deadline: Self.deadline(clock), logger: Self.logger)
        #expect(next != nil)
        next?.release()
    }

    @Test("a lease dropped without release hands the turn on")
    func droppedLeaseReleases() async throws {
        let clock = AdjustableClock()
        let residency = Self.residency(FakeOllamaMemory(), clock: clock)
        do {
            _ = try await residency.prepare(model: "llama3:70b", deadline: Self.deadline(clock), logger: Self.logger)
        }
        let next = try await residency.prepare(
            model: "mixtral:70b", deadline: Self.deadline(clock), logger: Self.logger)
        #expect(next != nil)
        next?.release()
    }

    @Test("always-on models are loaded with keep_alive -1, and loaded again once /api/ps stops listing them")
    func alwaysOnRestored() async throws {
        let ollama = FakeOllamaMemory(loaded: ["llama3.2:3b"])
        let residency = Self.residency(ollama, alwaysOn: ["llama3.2:3b", "phi3"])
        #expect(await residency.restoreAlwaysOn(logger: Self.logger) == ["phi3"])
        #expect(ollama.calls == ["ps", "load phi3 -1"])
        #expect(await residency.restoreAlwaysOn(logger: Self.logger).isEmpty)
        ollama.evict("llama3.2:3b")
        #expect(await residency.restoreAlwaysOn(logger: Self.logger) == ["llama3.2:3b"])
        #expect(ollama.calls.last == "load llama3.2:3b -1")
    }

    @Test("preload loads with the default keep_alive and reports the heavy model it unloaded")
    func preload() async throws {
        let ollama = FakeOllamaMemory(loaded: ["llama3:70b"])
        let clock = AdjustableClock()
        let residency = Self.residency(ollama, clock: clock, alwaysOn: ["phi3"])
        let unloaded = try await residency.preload(
            model: "qwen2.5-coder:32b", deadline: Self.deadline(clock), logger: Self.logger)
        #expect(unloaded == ["llama3:70b"])
        #expect(ollama.loaded == ["qwen2.5-coder:32b"])
        #expect(ollama.calls.last == #"load qwen2.5-coder:32b "10m""#)
        _ = try await residency.preload(model: "phi3", deadline: Self.deadline(clock), logger: Self.logger)
        #expect(ollama.calls.last == "load phi3 -1")
        ollama.failLoads(with: ProviderError(kind: .http(status: 404), message: #"model "nope" not found"#))
        let error = await #expect(throws: ModelResidencyError.self) {
            _ = try await residency.preload(model: "nope", deadline: Self.deadline(clock), logger: Self.logger)
        }
        #expect(APIError(residency: try #require(error)).status == .notFound)
    }
}
