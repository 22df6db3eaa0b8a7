import Foundation
import Providers
import TestSupport
import Testing

@Suite("Model lists against the double")
struct ModelListTests {
    let logger = DoubleFixture.logger

    @Test("Ollama lists /api/tags with modified_at as created and the namespace as owner")
    func ollamaTags() async throws {
        try await DoubleFixture.with(
            configuration: .init(ollamaModels: ["llama3.2:latest", "hf.co/bartowski/qwen:Q4_K_M"])
        ) { fixture in
            let models = try await fixture.ollama.listModels(timeout: .seconds(5), logger: logger)
            #expect(models.map(\.id) == ["llama3.2:latest", "hf.co/bartowski/qwen:Q4_K_M"])
            #expect(models.map(\.ownedBy) == ["library", "bartowski"])
            // The double's modified_at is 2026-01-02T10:00:00.837530123+01:00.
            let expected = try Date("2026-01-02T09:00:00Z", strategy: .iso8601).timeIntervalSince1970 + 0.837530123
            let created = try #require(models.first?.created)
            #expect(abs(created.timeIntervalSince1970 - expected) < 0.001)
        }
    }

    @Test("Gemini follows nextPageToken, strips models/ and keeps only generateContent models")
    func geminiPaging() async throws {
        let configuration = ProviderDouble.Configuration(
            geminiAPIKey: DoubleFixture.geminiKey,
            geminiModels: ["gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro"],
            geminiEmbeddingModels: ["text-embedding-004"],
            geminiModelsPageSize: 2
        )
        try await DoubleFixture.with(configuration: configuration) { fixture in
            let models = try await fixture.gemini.listModels(timeout: .seconds(5), logger: logger)
            #expect(models.map(\.id) == ["gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro"])
            #expect(models.allSatisfy { $0.ownedBy == "google" })
            let pages = fixture.double.requests.filter { $0.path == "/v1beta/models" }
            #expect(pages.count == 2)
            #expect(pages.last?.uri.contains("pageToken=2") == true)
            #expect(pages.allSatisfy { $0.header("x-goog-api-key") == DoubleFixture.geminiKey })
        }
    }

    @Test("OpenAI lists {base}/models with created from Unix seconds and owned_by as given")
    func openAIModels() async throws {
        try await DoubleFixture.with(configuration: .init(openAIModels: ["gpt-4o-mini", "smollm2"])) { fixture in
            let models = try await fixture.openAI.listModels(timeout: .seconds(5), logger: logger)
            #expect(
                models == [
                    ProviderModel(
                        id: "gpt-4o-mini", created: Date(timeIntervalSince1970: 1_767_348_000), ownedBy: "library"),
                    ProviderModel(
                        id: "smollm2", created: Date(timeIntervalSince1970: 1_767_348_000), ownedBy: "library"),
                ])
            let seen = try #require(fixture.double.requests.first)
            #expect(seen.method == "GET")
            #expect(seen.path == "/v1/models")
            #expect(seen.header("authorization") == "Bearer \(DoubleFixture.openAIKey)")
        }
    }

    @Test("a provider that is down makes listModels throw a connect error")
    func unreachable() async throws {
        try await DoubleFixture.with { fixture in
            let refusing = try RefusingPort()
            let provider = OllamaProvider(
                httpClient: fixture.httpClient, baseURL: refusing.httpURL, defaultModel: "llama3.2")
            let error = await #expect(throws: ProviderError.self) {
                try await provider.listModels(timeout: .seconds(5), logger: logger)
            }
            #expect(error?.kind == .connect)
            withExtendedLifetime(refusing) {}
        }
    }
}
