import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOConcurrencyHelpers
import NIOCore
import Providers
import TestSupport
import Testing

@Suite("Model residency through the HTTP app: always-on, heavy swaps, preload, /api/available_models")
struct OllamaResidencyRouteTests {
    /// Heavy: every `*:70b`; loads and unloads in the double take a little real time.
    static func residency(_ configuration: inout ServiceConfiguration, alwaysOn: [String] = []) {
        configuration.modelResidency = ModelResidencySettings(
            alwaysOnModels: alwaysOn, heavyModels: ["*:70b"], watchInterval: .seconds(3600),
            unloadPollInterval: .milliseconds(5))
    }

    static func simulate(_ double: ProviderDouble, load: Duration = .milliseconds(20)) {
        double.ollamaResidency.configure {
            $0.loadTime = load
            $0.unloadTime = .milliseconds(20)
            $0.heavyPatterns = ["*:70b"]
        }
    }

    /// Polls (5 ms of real time apart, at most `limit`) until `condition` holds.
    static func eventually(
        _ limit: Duration = .seconds(10), _ condition: () async throws -> Bool, advancing clock: AdjustableClock? = nil
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            clock?.advance(by: .seconds(3600))
            try await Task.sleep(for: .milliseconds(5))
        }
        return try await condition()
    }

    @Test("always-on models are loaded at start with keep_alive -1 and loaded again after an external unload")
    func alwaysOn() async throws {
        try await ChatServiceHarness.run(configure: { Self.residency(&$0, alwaysOn: ["llama3.2:3b"]) }) {
            harness, _ in
            let memory = harness.double.ollamaResidency
            #expect(try await Self.eventually { memory.listed == ["llama3.2:3b"] })
            let load = try #require(harness.double.requests.first { $0.path == "/api/generate" }?.jsonBody)
            #expect(load["model"] as? String == "llama3.2:3b")
            #expect(load["keep_alive"] as? Int == -1)

            memory.unloadExternally("llama3.2:3b")
            #expect(memory.listed.isEmpty)
            // The watch reads /api/ps every hour of the injected clock: move it on until it has.
            #expect(
                try await Self.eventually(.seconds(10), { memory.listed == ["llama3.2:3b"] }, advancing: harness.clock))
            #expect(memory.loads == ["llama3.2:3b", "llama3.2:3b"])
        }
    }

    @Test("concurrent requests for two heavy and two light models: never two heavy resident, all answered, in order")
    func concurrentMixedRequests() async throws {
        try await ChatServiceHarness.run(configure: { Self.residency(&$0) }) { harness, client in
            Self.simulate(harness.double)
            let plan = [
                "llama3:70b", "phi3", "mixtral:70b", "llama3:70b", "llama3.2", "mixtral:70b", "phi3", "llama3:70b",
                "mixtral:70b", "llama3.2",
            ]
            let statuses = NIOLockedValueBox<[Int: Int]>([:])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, model) in plan.enumerated() {
                    group.addTask {
                        let stream = index % 2 == 0 ? "false" : "true"
                        let response = try await client.postOllama(
                            "/api/chat",
                            #"{"model":"\#(model)","stream":\#(stream),"messages":[{"role":"user","content":"n\#(index)"}]}"#
                        )
                        _ = try? response.ndjsonLines()
                        statuses.withLockedValue { $0[index] = Int(response.status.code) }
                    }
                    // Arrival order: each request is on its way before the next one starts.
                    try await Task.sleep(for: .milliseconds(15))
                }
                try await group.waitForAll()
            }
            #expect(statuses.withLockedValue { $0 }.values.sorted() == Array(repeating: 200, count: plan.count))
            let memory = harness.double.ollamaResidency
            #expect(memory.maxHeavyResidentAtOnce == 1)
            #expect(memory.unloads.count >= 2)
            // Per heavy model, the double saw its requests in the order they arrived.
            let seen = harness.double.requests(for: .ollama).compactMap { request -> (String, String)? in
                guard let json = request.jsonBody, let model = json["model"] as? String,
                    let messages = json["messages"] as? [[String: Any]], let text = messages.last?["content"] as? String
                else { return nil }
                return (model, text)
            }
            for heavy in ["llama3:70b", "mixtral:70b"] {
                let expected = plan.enumerated().filter { $0.element == heavy }.map { "n\($0.offset)" }
                #expect(seen.filter { $0.0 == heavy }.map(\.1) == expected, "\(heavy)")
            }
            #expect(try await harness.storedCount() == plan.count)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect((MetricsTests.value(metrics, #"chat_ollama_swaps_total{outcome="ok"}"#) ?? 0) >= 2)
            #expect(MetricsTests.value(metrics, "chat_ollama_heavy_queue_depth") == 0)
        }
    }

    @Test("POST /preload loads a model, swapping out the other heavy one, and answers once it is resident")
    func preload() async throws {
        try await ChatServiceHarness.run(configure: { Self.residency(&$0) }) { harness, client in
            Self.simulate(harness.double)
            let first = try await client.postOllama("/preload", #"{"model":"llama3:70b"}"#)
            #expect(first.status == .ok)
            let body = try first.json()
            #expect(body["model"] as? String == "llama3:70b")
            #expect(body["loaded"] as? Bool == true)
            #expect(body["unloaded"] as? [String] == [])
            #expect(harness.double.ollamaResidency.listed == ["llama3:70b"])

            let second = try await client.postOllama("/preload", #"{"model":"mixtral:70b"}"#)
            #expect(try second.json()["unloaded"] as? [String] == ["llama3:70b"])
            #expect(harness.double.ollamaResidency.listed == ["mixtral:70b"])
            #expect(harness.double.ollamaResidency.maxHeavyResidentAtOnce == 1)

            let available = try await client.execute(uri: "/api/available_models", method: .get)
            #expect(available.status == .ok)
            let models = try #require(try available.json()["models"] as? [[String: Any]])
            #expect(models.first?["name"] as? String == "llama3.2")
            #expect(models.first?["category"] as? String == "on_demand")
            #expect(models.first?["loaded"] as? Bool == false)
            #expect(models.first?["size"] as? Int == 2_019_393_189)
        }
    }

    @Test("a failing unload gives the waiting request a clear 502, and the next heavy request is served")
    func failingUnload() async throws {
        try await ChatServiceHarness.run(configure: { Self.residency(&$0) }) { harness, client in
            Self.simulate(harness.double)
            #expect(try await client.postOllama("/preload", #"{"model":"llama3:70b"}"#).status == .ok)
            harness.double.script([.error(status: 500, message: "unload went wrong")], for: .ollama)
            let failed = try await client.postOllama(
                "/api/chat", #"{"model":"mixtral:70b","stream":false,"messages":[{"role":"user","content":"x"}]}"#)
            #expect(failed.status == .badGateway)
            let message = try #require(try failed.json()["error"] as? String)
            #expect(message.contains("could not unload llama3:70b"))
            #expect(message.contains("unload went wrong"))
            let stored = try await harness.reader.findDocuments(filterJSON: #"{"status": "error"}"#)
            #expect(stored.count == 1)

            let next = try await client.postOllama(
                "/api/chat", #"{"model":"mixtral:70b","stream":false,"messages":[{"role":"user","content":"y"}]}"#)
            #expect(next.status == .ok)
            #expect(harness.double.ollamaResidency.maxHeavyResidentAtOnce == 1)
        }
    }

    @Test("a heavy model that never leaves memory ends in 504 at the request deadline, not a hang")
    func unloadThatNeverFinishes() async throws {
        try await ChatServiceHarness.run(configure: { Self.residency(&$0) }) { harness, client in
            Self.simulate(harness.double)
            #expect(try await client.postOllama("/preload", #"{"model":"llama3:70b"}"#).status == .ok)
            harness.double.ollamaResidency.configure { $0.unloadTime = .seconds(3600) }
            let waiting = Task {
                try await client.postOllama(
                    "/api/chat", #"{"model":"mixtral:70b","stream":false,"messages":[{"role":"user","content":"x"}]}"#)
            }
            #expect(try await Self.eventually { harness.double.ollamaResidency.unloads == ["llama3:70b"] })
            harness.clock.advance(by: harness.configuration.requestTimeout)
            let response = try await waiting.value
            #expect(response.status == .gatewayTimeout)
            #expect(try response.json()["error"] as? String != nil)
            #expect(harness.double.ollamaResidency.listed == ["llama3:70b"])
        }
    }
}
