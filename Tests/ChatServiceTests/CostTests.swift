import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import Providers
import TestSupport
import Testing

@testable import ChatService

@Suite("Cost per call (SPEC §9)")
struct CostTests {
    /// The stored `cost` sub-document as plain doubles (canonical extended JSON wraps them).
    static func storedCost(_ document: [String: Any]) throws -> (input: Double, output: Double, total: Double)? {
        guard let cost = document["cost"] as? [String: Any] else { return nil }
        #expect(cost["currency"] as? String == "USD")
        func double(_ key: String) throws -> Double {
            let wrapped = try #require(cost[key] as? [String: Any], "cost.\(key) is not a BSON double")
            return try #require((wrapped["$numberDouble"] as? String).flatMap(Double.init))
        }
        return (try double("input"), try double("output"), try double("total"))
    }

    @Test("a priced call's cost is usage × price exactly, returned by /v1/chat and stored in the document")
    func costReturnedAndStored() async throws {
        try await ChatServiceHarness.run(providers: [.gemini]) { harness, client in
            harness.double.script([.success(text: "hello", promptTokens: 1234, completionTokens: 567)], for: .gemini)
            let response = try await client.postChat(#"{"userId": "c", "prompt": "price me"}"#)
            #expect(response.status == .ok)
            let body = try response.json()
            let price = try #require(PriceTable.builtIn.price(of: "gemini-2.0-flash"))
            let input = 1234 * (price.inputPerMillion ?? -1) / 1_000_000
            let output = 567 * (price.outputPerMillion ?? -1) / 1_000_000
            let returned = try #require(body["cost"] as? [String: Any])
            #expect(returned["currency"] as? String == "USD")
            #expect(returned["input"] as? Double == input)
            #expect(returned["output"] as? Double == output)
            // Foundation's JSON parser reads it back within a few units in the last place; the stored double (below) is exact.
            let returnedTotal = try #require(returned["total"] as? Double)
            #expect(abs(returnedTotal - (input + output)) <= 4 * (input + output).ulp)
            let id = try #require(body["id"] as? String)
            let stored = try #require(try Self.storedCost(try await harness.storedDocument(id: id)))
            #expect(stored.input == input && stored.output == output && stored.total == input + output)
        }
    }

    @Test("PRICES_FILE prices override the built-in ones for the calls that follow")
    func overriddenPrice() async throws {
        try await ChatServiceHarness.run(
            providers: [.gemini],
            configure: {
                $0.prices = PriceTable.builtIn.merging(
                    PriceTable(["gemini-2.0-flash": ModelPrice(input: 3, output: 7)]))
            }
        ) { harness, client in
            harness.double.script([.success(text: "x", promptTokens: 100, completionTokens: 10)], for: .gemini)
            let body = try await client.postChat(#"{"userId": "c", "prompt": "p"}"#).json()
            let cost = try #require(body["cost"] as? [String: Any])
            #expect(cost["input"] as? Double == 100.0 * 3 / 1_000_000)
            #expect(cost["output"] as? Double == 10.0 * 7 / 1_000_000)
        }
    }

    @Test("an Ollama model costs 0; an unpriced model of a hosted provider has no cost; a failed call none")
    func freeUnpricedAndFailed() async throws {
        try await ChatServiceHarness.run(providers: [.ollama]) { harness, client in
            let local = try await client.postChat(#"{"userId": "c", "prompt": "local"}"#).json()
            let cost = try #require(local["cost"] as? [String: Any])
            #expect(cost["total"] as? Double == 0)
            let stored = try await harness.storedDocument(id: try #require(local["id"] as? String))
            #expect(try Self.storedCost(stored)?.total == 0)
        }
        try await ChatServiceHarness.run(providers: [.gemini]) { harness, client in
            harness.double.script([.success(text: "x", model: "gemini-exp-9")], for: .gemini)
            let unpriced = try await client.postChat(#"{"userId": "c", "prompt": "p", "model": "gemini-exp-9"}"#)
            #expect(unpriced.status == .ok)
            let body = try unpriced.json()
            #expect(body["cost"] == nil)
            #expect(try await harness.storedDocument(id: try #require(body["id"] as? String))["cost"] == nil)
            harness.double.script(Array(repeating: .error(status: 503), count: 3), for: .gemini)
            #expect(try await client.postChat(#"{"userId": "c", "prompt": "fails"}"#).status == .badGateway)
            let failed = try await harness.reader.findDocuments(filterJSON: #"{"status": "error"}"#)
            #expect(failed.count == 1)
            #expect(failed.first?.contains("\"cost\"") == false)
        }
    }

    @Test("/v1/usage sums the stored costs overall and per group; /metrics counts cost by model")
    func usageSumsCost() async throws {
        try await ChatServiceHarness.run(providers: [.gemini, .ollama]) { harness, client in
            harness.double.script(
                [
                    .success(text: "a", promptTokens: 1000, completionTokens: 200),
                    .success(text: "b", promptTokens: 3000, completionTokens: 50),
                ], for: .gemini)
            var costs: [Double] = []
            for prompt in ["one", "two"] {
                let body = try await client.postChat(#"{"userId": "sum", "prompt": "\#(prompt)"}"#).json()
                costs.append(try #require((body["cost"] as? [String: Any])?["total"] as? Double))
            }
            _ = try await client.postChat(#"{"userId": "sum", "prompt": "three", "provider": "ollama"}"#)

            let usage = try await client.execute(uri: "/v1/usage?userId=sum&groupBy=provider", method: .get).json()
            let totals = try #require(usage["totals"] as? [String: Any])
            let total = try #require(totals["cost"] as? Double)
            #expect(abs(total - (costs[0] + costs[1])) < 1e-15)
            #expect(totals["requests"] as? Int == 3)
            let groups = try #require(usage["groups"] as? [[String: Any]])
            let byProvider = Dictionary(uniqueKeysWithValues: groups.map { ($0["key"] as? String ?? "", $0) })
            #expect(byProvider["ollama"]?["cost"] as? Double == 0)
            #expect(abs((byProvider["gemini"]?["cost"] as? Double ?? -1) - total) < 1e-15)

            let byKey = try await client.execute(uri: "/v1/usage?groupBy=key", method: .get).json()
            let keyGroups = try #require(byKey["groups"] as? [[String: Any]])
            #expect(keyGroups.count == 1 && keyGroups.first?["key"] as? String == "", "calls without a key: one group")

            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            let counted = try #require(
                MetricsTests.value(metrics, #"chat_cost_usd_total{provider="gemini",model="gemini-2.0-flash"}"#))
            #expect(abs(counted - total) < 1e-15)
        }
    }
}
