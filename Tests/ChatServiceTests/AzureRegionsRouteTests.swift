import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Providers
import TestSupport
import Testing

@testable import ChatService

@Suite("Two Azure regions as named providers, through the service")
struct AzureRegionsRouteTests {
    static let west = ProviderName(rawValue: "azure-west") ?? .openai
    static let east = ProviderName(rawValue: "azure-east") ?? .openai

    /// `PROVIDERS=azure-west,azure-east`, both resources on the harness's double.
    static func twoRegions(_ configuration: inout ServiceConfiguration) {
        let base = configuration.ollama.baseURL
        configuration.providers = [west, east]
        configuration.namedProviders = [
            west: ProviderSettings(name: west, kind: .azure, baseURL: base, apiKey: "west-key", model: "gpt-4o-west"),
            east: ProviderSettings(name: east, kind: .azure, baseURL: base, apiKey: "east-key", model: "gpt-4o-east"),
        ]
    }

    @Test("a 503 from the west region falls back to the east; the answer and the document name azure-east")
    func fallbackOn503() async throws {
        try await ChatServiceHarness.run(configure: Self.twoRegions) { harness, client in
            harness.double.script(Array(repeating: .error(status: 503), count: 3), for: .azure)
            let response = try await client.postChat(#"{"userId": "u-az", "prompt": "hello azure"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["provider"] as? String == "azure-east")
            #expect(body["response"] as? String == "Echo: hello azure")
            #expect(body["fallback"] as? Bool == true)
            let document = try await harness.storedDocument(id: try #require(body["id"] as? String))
            #expect(document["provider"] as? String == "azure-east")
            #expect(document["model"] as? String == "gpt-4o-east")
            let attempts = try #require(document["attempts"] as? [[String: Any]])
            #expect(
                attempts.map { $0["provider"] as? String } == ["azure-west", "azure-west", "azure-west", "azure-east"])
            let requests = harness.double.requests(for: .azure)
            #expect(requests.map(\.path).last == "/openai/deployments/gpt-4o-east/chat/completions")
            #expect(requests.first?.header("api-key") == "west-key")
            #expect(requests.last?.header("api-key") == "east-key")
            #expect(requests.allSatisfy { $0.uri.hasSuffix("?api-version=2024-10-21") })
        }
    }

    @Test("pinning provider azure-east on /v1/chat skips the west region")
    func pinnedRegion() async throws {
        try await ChatServiceHarness.run(configure: Self.twoRegions) { harness, client in
            let body = try await client.postChat(#"{"userId": "u", "prompt": "p", "provider": "azure-east"}"#).json()
            #expect(body["provider"] as? String == "azure-east")
            #expect(harness.double.requests(for: .azure).map { $0.header("api-key") } == ["east-key"])
            let unknown = try await client.postChat(#"{"userId": "u", "prompt": "p", "provider": "azure-north"}"#)
            #expect(unknown.status == .badRequest)
            #expect(String(buffer: unknown.body).contains("azure-west, azure-east"))
        }
    }

    @Test("a streamed chat completion through Azure (empty-choices and delta-less events) reaches the client whole")
    func streamedThroughAzure() async throws {
        try await ChatServiceHarness.run(configure: Self.twoRegions) { harness, client in
            harness.double.script(
                [.streamed(["Hel", "lo", " there"], promptTokens: 4, completionTokens: 3)], for: .azure)
            let response = try await OpenAIRouteTests.post(
                client, "/v1/chat/completions",
                #"{"model": "gpt-4o-west", "stream": true, "messages": [{"role": "user", "content": "hi"}]}"#)
            #expect(response.status == .ok)
            let events = OpenAIRouteTests.events(response)
            #expect(events.last == "[DONE]")
            let deltas = try events.dropLast().map { try OpenAIRouteTests.object($0) }
                .compactMap { ($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any] }
            #expect(deltas.compactMap { $0["content"] as? String }.joined() == "Hello there")
        }
    }

    @Test("a prompt Azure's content filter refuses is not retried and the failure names the filter")
    func contentFilter() async throws {
        try await ChatServiceHarness.run(configure: Self.twoRegions) { harness, client in
            harness.double.script([.contentFilter, .contentFilter], for: .azure)
            let response = try await client.postChat(#"{"userId": "u", "prompt": "bad words"}"#)
            #expect(response.status == .badGateway)
            #expect(String(buffer: response.body).contains("content management policy"))
            #expect(harness.double.requests(for: .azure).count <= 2)
        }
    }
}
