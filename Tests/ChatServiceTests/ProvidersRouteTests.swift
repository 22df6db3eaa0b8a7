import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Providers
import TestSupport
import Testing

@testable import ChatService

@Suite("GET /v1/providers (seed 004's provider catalog)")
struct ProvidersRouteTests {
    static func providers(_ client: any TestClientProtocol, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await client.execute(uri: "/v1/providers", method: .get, headers: headers)
    }

    @Test("every configured provider is listed in order with its kind, models, context windows and prices")
    func catalog() async throws {
        try await ChatServiceHarness.run(
            configure: { configuration in
                AzureRegionsRouteTests.twoRegions(&configuration)
                configuration.providers += [.gemini, .ollama]
                configuration.namedProviders[AzureRegionsRouteTests.west]?.model = "gpt-4o"
            }
        ) { _, client in
            let response = try await Self.providers(client)
            #expect(response.status == .ok)
            let data = try #require(try response.json()["data"] as? [[String: Any]])
            #expect(data.map { $0["name"] as? String } == ["azure-west", "azure-east", "gemini", "ollama"])
            #expect(data.map { $0["id"] as? String } == ["azure-west", "azure-east", "gemini", "ollama"])
            #expect(data.map { $0["kind"] as? String } == ["azure", "azure", "gemini", "ollama"])
            #expect(data[0]["label"] as? String == "Azure OpenAI")
            #expect((data[0]["description"] as? String)?.isEmpty == false)

            let west = try #require(data[0]["model"] as? [[String: Any]])
            #expect(west.map { $0["name"] as? String } == ["gpt-4o"])
            #expect(west.first?["id"] as? String == "azure-west/gpt-4o")
            #expect(west.first?["contextWindow"] as? Int == 128_000)
            #expect(west.first?["enabled"] as? Bool == true)
            let price = try #require((west.first?["price"] as? [[String: Any]])?.first)
            let token = try #require(price["token"] as? [String: Any])
            let table = try #require(PriceTable.builtIn.price(of: "gpt-4o"))
            #expect(token["inputValue"] as? Double == table.inputPerMillion)
            #expect(token["outputValue"] as? Double == table.outputPerMillion)
            #expect(price["unitOfMeasure"] as? Int == 1_000_000)
            #expect(price["currency"] as? String == "USD")

            let east = try #require(data[1]["model"] as? [[String: Any]])
            #expect(east.map { $0["name"] as? String } == ["gpt-4o-east"])
            #expect(east.first?["contextWindow"] == nil)
            #expect((east.first?["price"] as? [Any])?.isEmpty == true)

            let gemini = try #require(data[2]["model"] as? [[String: Any]])
            let flash = try #require(gemini.first { $0["name"] as? String == "gemini-2.0-flash" })
            #expect(flash["contextWindow"] as? Int == 1_048_576)
            #expect((flash["price"] as? [Any])?.isEmpty == false)

            let ollama = try #require(data[3]["model"] as? [[String: Any]])
            let local = try #require(ollama.first { ($0["name"] as? String)?.hasPrefix("llama3.2") == true })
            let free = try #require((local["price"] as? [[String: Any]])?.first?["token"] as? [String: Any])
            #expect(free["inputValue"] as? Double == 0 && free["outputValue"] as? Double == 0)
        }
    }

    @Test("image models list a per-image price for each size")
    func imagePrices() async throws {
        try await ChatServiceHarness.run(
            configure: { configuration in
                AzureRegionsRouteTests.twoRegions(&configuration)
                configuration.namedProviders[AzureRegionsRouteTests.east]?.model = "dall-e-3"
            }
        ) { _, client in
            let data = try #require(try await Self.providers(client).json()["data"] as? [[String: Any]])
            let model = try #require((data[1]["model"] as? [[String: Any]])?.first)
            let prices = try #require(model["price"] as? [[String: Any]])
            let pixels = prices.compactMap { $0["pixel"] as? [String: Any] }
            #expect(!pixels.isEmpty)
            #expect(pixels.contains { $0["width"] as? Int == 1024 && $0["height"] as? Int == 1024 })
            #expect(pixels.allSatisfy { ($0["value"] as? Double ?? 0) > 0 })
        }
    }
}
