import Foundation
import Persistence
import Testing

@testable import ChatService

@Suite("Price table and PRICES_FILE")
struct PriceTableTests {
    @Test("a call's cost is prompt tokens × input price plus completion tokens × output price, per million")
    func costIsUsageTimesPrice() throws {
        let table = PriceTable(["m": ModelPrice(input: 0.15, output: 0.60)])
        let cost = try #require(
            table.cost(
                model: "m", usage: InteractionUsage(promptTokens: 1234, completionTokens: 567, totalTokens: 1801)))
        #expect(cost.currency == "USD")
        #expect(cost.input == 1234 * 0.15 / 1_000_000)
        #expect(cost.output == 567 * 0.60 / 1_000_000)
        #expect(cost.total == cost.input + cost.output)
    }

    @Test("an unpriced model has no cost, unless its provider runs local models, which cost 0")
    func unpricedModels() {
        let usage = InteractionUsage(promptTokens: 10, completionTokens: 5, totalTokens: 15)
        #expect(PriceTable.builtIn.cost(model: "llama3.2", usage: usage) == nil)
        #expect(PriceTable.builtIn.cost(model: "llama3.2", usage: usage, free: true) == .free)
        let priced = PriceTable.builtIn.merging(PriceTable(["llama3.2": ModelPrice(input: 1, output: 2)]))
        #expect(priced.cost(model: "llama3.2", usage: usage, free: true)?.total == 10.0 / 1_000_000 + 10.0 / 1_000_000)
    }

    @Test("dated snapshots and Gemini's models/ prefix are priced as their model; other suffixes are not")
    func snapshotNames() {
        let table = PriceTable.builtIn
        #expect(table.price(of: "gpt-4o-2024-08-06") == table.price(of: "gpt-4o"))
        #expect(table.price(of: "gpt-4o-mini-2024-07-18")?.inputPerMillion == 0.15)
        #expect(table.price(of: "models/gemini-2.0-flash-001")?.outputPerMillion == 0.40)
        #expect(table.price(of: "GPT-4.1-MINI")?.inputPerMillion == 0.40)
        #expect(table.price(of: "gpt-3.5-turbo-0125")?.inputPerMillion == 0.50)
        #expect(table.price(of: "gpt-4o-realtime") == nil)
        #expect(table.price(of: "smollm2") == nil)
    }

    @Test("image models are priced per image by size and quality")
    func imagePrices() {
        let table = PriceTable.builtIn
        #expect(table.imageCost(model: "dall-e-3", size: "1024x1024", quality: "hd", count: 2)?.total == 0.16)
        #expect(table.imageCost(model: "dall-e-3", size: "1792x1024", quality: "standard", count: 1)?.output == 0.08)
        #expect(table.imageCost(model: "dall-e-2", size: "512x512", quality: nil, count: 3)?.total == 0.018 * 3)
        #expect(table.imageCost(model: "dall-e-3", size: "256x256", quality: "standard", count: 1) == nil)
    }

    @Test("a PRICES_FILE adds models and overrides only the parts it gives")
    func fileOverrides() throws {
        let file = try PriceTable.parse(
            Data(
                #"""
                {"gpt-4o": {"output": 12.5}, "my-model": {"input": 1, "output": 3},
                 "dall-e-3": {"image": {"hd": {"1024x1024": 0.09}}}, "flux": {"image": {"1024x1024": 0.03}}}
                """#.utf8))
        let merged = PriceTable.builtIn.merging(file)
        #expect(merged.price(of: "gpt-4o") == ModelPrice(input: 2.50, output: 12.5))
        #expect(merged.price(of: "my-model") == ModelPrice(input: 1, output: 3))
        #expect(merged.imageCost(model: "dall-e-3", size: "1024x1024", quality: "HD", count: 1)?.total == 0.09)
        #expect(merged.imageCost(model: "dall-e-3", size: "1024x1024", quality: "standard", count: 1)?.total == 0.04)
        #expect(merged.imageCost(model: "flux", size: "1024x1024", quality: "high", count: 2)?.total == 0.06)
    }

    @Test(
        "a bad PRICES_FILE stops start-up naming the variable",
        arguments: [
            #"not json"#, #"["gpt-4o"]"#, #"{"gpt-4o": {"input": "cheap"}}"#, #"{"gpt-4o": {"inptu": 1}}"#,
            #"{"gpt-4o": {"input": -1}}"#, #"{"gpt-4o": {}}"#, #"{"gpt-4o": {"input": true}}"#,
            #"{"dall-e-3": {"image": {"hd": "x"}}}"#,
        ])
    func badFiles(_ text: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let error = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(environment: ["PRICES_FILE": path.path])
        }
        #expect(error?.variable == "PRICES_FILE")
        #expect(error?.description.contains("\n") == false)
    }

    @Test("a missing PRICES_FILE stops start-up; a good one is merged into the configuration")
    func fileThroughTheEnvironment() throws {
        let missing = #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration(environment: ["PRICES_FILE": "/nonexistent/prices.json"])
        }
        #expect(missing?.variable == "PRICES_FILE")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).json")
        try Data(#"{"llama3.2": {"input": 0.01, "output": 0.02}}"#.utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let configuration = try ServiceConfiguration(environment: ["PRICES_FILE": path.path])
        #expect(configuration.prices.price(of: "llama3.2") == ModelPrice(input: 0.01, output: 0.02))
        #expect(configuration.prices.price(of: "gpt-4o") == PriceTable.builtIn.price(of: "gpt-4o"))
        #expect(try ServiceConfiguration(environment: [:]).prices == .builtIn)
    }
}
