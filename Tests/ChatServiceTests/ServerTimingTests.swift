import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Providers
import TestSupport
import Testing

@testable import ChatService

/// `Server-Timing` on every response (SPEC §3) and `chat_gateway_overhead_seconds` in `/metrics`.
@Suite("Server-Timing and the gateway overhead histogram")
struct ServerTimingTests {
    static let serverTiming = HTTPField.Name("Server-Timing")!

    /// The header's entries, in order, as (name, milliseconds); fails the test unless every
    /// entry is `name;dur=<digits>.<two digits>` and they are joined by ", ".
    static func entries(
        _ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [(name: String, ms: Double)] {
        let value = try #require(
            response.headers[serverTiming], "no Server-Timing header", sourceLocation: sourceLocation)
        return try value.components(separatedBy: ", ").map { entry in
            let parts = entry.components(separatedBy: ";dur=")
            try #require(parts.count == 2, "malformed entry \(entry) in \(value)", sourceLocation: sourceLocation)
            let number = parts[1].split(separator: ".", omittingEmptySubsequences: false)
            try #require(
                number.count == 2 && number[1].count == 2 && !number[0].isEmpty
                    && (number[0] + number[1]).allSatisfy(\.isASCII) && (number[0] + number[1]).allSatisfy(\.isNumber),
                "duration is not milliseconds with two decimals: \(entry)", sourceLocation: sourceLocation)
            return (parts[0], try #require(Double(parts[1]), sourceLocation: sourceLocation))
        }
    }

    static func names(_ response: TestResponse) throws -> [String] {
        try entries(response).map(\.name)
    }

    static func milliseconds(_ name: String, in response: TestResponse) throws -> Double {
        try #require(try entries(response).first { $0.name == name }?.ms, "no \(name) entry")
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    @Test(
        "the header value is milliseconds with two decimals, gateway first, and leaves out phases that did not happen",
        arguments: [
            (
                ServerTiming(total: .microseconds(413_090), upstream: .microseconds(412_700), store: .microseconds(80)),
                "gateway;dur=0.39, upstream;dur=412.70, store;dur=0.08"
            ),
            (ServerTiming(total: .microseconds(50), upstream: .zero, store: .zero), "gateway;dur=0.05"),
            (ServerTiming(total: .nanoseconds(1_005_000), upstream: .zero, store: .zero), "gateway;dur=1.01"),
            (ServerTiming(total: .nanoseconds(4_999), upstream: .zero, store: .zero), "gateway;dur=0.00"),
            (
                ServerTiming(total: .seconds(2), upstream: .seconds(2), store: .zero),
                "gateway;dur=0.00, upstream;dur=2000.00"
            ),
            (
                ServerTiming(total: .milliseconds(3), upstream: .zero, store: .microseconds(1_250)),
                "gateway;dur=3.00, store;dur=1.25"
            ),
        ])
    func headerValue(timing: ServerTiming, expected: String) {
        #expect(timing.headerValue == expected)
    }

    @Test("gateway is total minus upstream, so it includes store, and is never negative")
    func gatewayArithmetic() {
        let timing = ServerTiming(total: .milliseconds(10), upstream: .milliseconds(7), store: .milliseconds(2))
        #expect(timing.gateway == .milliseconds(3))
        #expect(ServerTiming(total: .milliseconds(1), upstream: .milliseconds(2), store: .zero).gateway == .zero)
    }

    @Test("a request's upstream and store times add up across calls and total runs from the context's start")
    func timingAccumulates() {
        let started = ContinuousClock.now - .milliseconds(500)
        let timing = RequestTiming(started: started)
        timing.addUpstream(since: .now - .milliseconds(100))
        timing.addUpstream(since: .now - .milliseconds(100))
        timing.addStore(since: .now - .milliseconds(10))
        let figures = timing.serverTiming(at: started + .seconds(1))
        #expect(figures.total == .seconds(1))
        #expect(figures.upstream >= .milliseconds(200) && figures.upstream < .milliseconds(300))
        #expect(figures.store >= .milliseconds(10) && figures.store < .milliseconds(100))
        #expect(figures.gateway == figures.total - figures.upstream)
    }

    @Test(
        "a /v1/chat answer carries gateway, upstream and store, upstream covers the provider's delay, and gateway plus upstream is the whole"
    )
    func chatAnswer() async throws {
        try await ChatServiceHarness.run { harness, client in
            harness.double.script([.success(text: "slow").delayed(by: .milliseconds(150))], for: .ollama)
            let clientStarted = ContinuousClock.now
            let response = try await client.postChat(#"{"userId":"t","prompt":"hi"}"#)
            let elapsedMs = Self.seconds(ContinuousClock.now - clientStarted) * 1000
            #expect(response.status == .ok)
            #expect(try Self.names(response) == ["gateway", "upstream", "store"])
            let gateway = try Self.milliseconds("gateway", in: response)
            let upstream = try Self.milliseconds("upstream", in: response)
            let store = try Self.milliseconds("store", in: response)
            #expect(upstream >= 150)
            #expect(store <= gateway + 0.01, "gateway includes store")
            // The client's own clock brackets the service's total (gateway + upstream), with
            // only the in-process test client's hand-off outside it. That hand-off is a few ms on
            // an idle machine but reached 107 ms in a CI run with a build beside it, so the bound
            // only catches a total that misses whole phases (a clock started after the body).
            #expect(gateway + upstream <= elapsedMs + 0.02)
            #expect(elapsedMs - (gateway + upstream) < 1_000)
            // The answer's latencyMs runs from the handler's start to the document: inside the total.
            let latencyMs = try #require(try response.json()["latencyMs"] as? Int)
            #expect(Double(latencyMs) <= gateway + upstream + 1)
        }
    }

    @Test(
        "an OpenAI chat completion carries all three entries; a streamed one sends upstream as time to first byte and no store"
    )
    func openAIRoutes() async throws {
        try await ChatServiceHarness.run { harness, client in
            harness.double.script([.success(text: "Four.").delayed(by: .milliseconds(50))], for: .ollama)
            let plain = try await OpenAIRouteTests.post(
                client, "/v1/chat/completions",
                #"{"model": "llama3.2", "messages": [{"role": "user", "content": "2+2?"}]}"#)
            #expect(plain.status == .ok)
            #expect(try Self.names(plain) == ["gateway", "upstream", "store"])
            #expect(try Self.milliseconds("upstream", in: plain) >= 50)

            harness.double.script([.streamed(["Hel", "lo"], chunkDelay: .milliseconds(120))], for: .ollama)
            let clientStarted = ContinuousClock.now
            let streamed = try await OpenAIRouteTests.post(
                client, "/v1/chat/completions",
                #"{"model": "llama3.2", "stream": true, "messages": [{"role": "user", "content": "greet"}]}"#)
            let elapsedMs = Self.seconds(ContinuousClock.now - clientStarted) * 1000
            #expect(streamed.status == .ok)
            #expect(OpenAIRouteTests.events(streamed).last == "[DONE]")
            #expect(
                try Self.names(streamed) == ["gateway", "upstream"], "the document is stored after the head went out")
            let upstream = try Self.milliseconds("upstream", in: streamed)
            #expect(upstream >= 120, "waited for the first chunk")
            #expect(upstream < elapsedMs - 100, "did not wait for the second chunk")
        }
    }

    @Test("/health, a 400, an OpenAI-route 400 and an unknown path carry gateway alone")
    func gatewayOnly() async throws {
        try await ChatServiceHarness.run { harness, client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(try Self.names(health) == ["gateway"])

            let rejected = try await client.postChat(#"{"userId":"t"}"#)
            #expect(rejected.status == .badRequest)
            #expect(try Self.names(rejected) == ["gateway"])

            let openAIRejected = try await OpenAIRouteTests.post(
                client, "/v1/chat/completions", #"{"model": "llama3.2"}"#)
            #expect(openAIRejected.status == .badRequest)
            #expect(try Self.names(openAIRejected) == ["gateway"])

            let unknown = try await client.execute(uri: "/no/such/route", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try Self.names(unknown) == ["gateway"])
            #expect(harness.double.requests.isEmpty)
        }
    }

    @Test("chat_gateway_overhead_seconds counts every request by route pattern and leaves out the time spent upstream")
    func overheadHistogram() async throws {
        try await ChatServiceHarness.run { harness, client in
            let overheadCount = #"chat_gateway_overhead_seconds_count{route="/v1/chat"}"#
            let before = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(MetricsTests.value(before, overheadCount) == nil)

            harness.double.script([.success(text: "slow").delayed(by: .milliseconds(200))], for: .ollama)
            #expect(try await client.postChat(#"{"userId":"t","prompt":"hi"}"#).status == .ok)
            #expect(try await client.postChat(#"{"userId":"t"}"#).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/secret-\(UUID().uuidString)", method: .get).status == .notFound)

            let text = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(MetricsTests.value(text, overheadCount) == 2)
            let overhead = try #require(
                MetricsTests.value(text, #"chat_gateway_overhead_seconds_sum{route="/v1/chat"}"#))
            let total = try #require(
                MetricsTests.value(text, #"chat_http_request_duration_seconds_sum{route="/v1/chat"}"#))
            #expect(total >= 0.2)
            #expect(overhead < total - 0.2 + 0.001, "the provider's 200 ms is not overhead")
            #expect(text.contains(#"chat_gateway_overhead_seconds_count{route="NotFound"}"#))
            #expect(!text.contains("secret-"), "a caller's path never becomes a label")
            #expect(text.contains("# HELP chat_gateway_overhead_seconds"))
        }
    }
}
