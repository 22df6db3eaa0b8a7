import Foundation
import Providers
import TestSupport
import Testing

@Suite("Azure OpenAI (kind azure) against the double")
struct AzureProviderTests {
    let logger = DoubleFixture.logger

    @Test("a chat goes to the deployment URL with api-version and the key in api-key, never Authorization")
    func chatWireFormat() async throws {
        try await DoubleFixture.with { fixture in
            let azure = fixture.azure(deployment: "gpt-4o-west")
            #expect(azure.kind == .azure)
            #expect(azure.name.rawValue == "azure-west")
            let completion = try await azure.complete(
                CompletionRequest(prompt: "hello there"), model: "gpt-4o-west", timeout: .seconds(5), logger: logger)
            #expect(completion.text == "Echo: hello there")
            #expect(completion.model == "gpt-4o-west")
            let seen = try #require(fixture.double.requests(for: .azure).first)
            #expect(seen.uri == "/openai/deployments/gpt-4o-west/chat/completions?api-version=2024-10-21")
            #expect(seen.header("api-key") == DoubleFixture.azureKey)
            #expect(seen.header("authorization") == nil)
        }
    }

    @Test("the configured api-version is sent; one Azure does not know is its 404")
    func apiVersion() async throws {
        try await DoubleFixture.with { fixture in
            let preview = fixture.azure(apiVersion: "2025-01-01-preview")
            _ = try await preview.complete(
                CompletionRequest(prompt: "hi"), model: "gpt-4o-mini", timeout: .seconds(5), logger: logger)
            #expect(fixture.double.requests(for: .azure).last?.uri.hasSuffix("?api-version=2025-01-01-preview") == true)
            let error = await #expect(throws: ProviderError.self) {
                try await fixture.azure(apiVersion: "1999-01-01").complete(
                    CompletionRequest(prompt: "hi"), model: "gpt-4o-mini", timeout: .seconds(5), logger: logger)
            }
            #expect(error?.kind == .http(status: 404))
        }
    }

    @Test("a prompt the content filter refuses is a non-retryable 400 carrying Azure's message")
    func contentFilter() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.contentFilter], for: .azure)
            let error = await #expect(throws: ProviderError.self) {
                try await fixture.azure().complete(
                    CompletionRequest(prompt: "something violent"), model: "gpt-4o-mini", timeout: .seconds(5),
                    logger: logger)
            }
            #expect(error?.kind == .http(status: 400))
            #expect(error?.isRetryable == false)
            #expect(error?.message.contains("content management policy") == true)
        }
    }

    @Test("a stream with an empty-choices first event and a choice without delta reads as the plain text")
    func streamWithFilterEvents() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.streamed(["Hel", "lo", " world"])], for: .azure)
            let stream = try await fixture.azure().stream(
                CompletionRequest(prompt: "hi"), model: "gpt-4o-mini", firstByteTimeout: .seconds(5),
                idleTimeout: .seconds(5), logger: logger)
            var text = ""
            var models: [String] = []
            var finish: FinishReason?
            for try await chunk in stream {
                text += chunk.textDelta
                if let model = chunk.model { models.append(model) }
                if let reason = chunk.finishReason { finish = reason }
            }
            #expect(text == "Hello world")
            #expect(finish == .stop)
            #expect(!models.contains(""))
            let seen = try #require(fixture.double.requests(for: .azure).first)
            #expect(seen.uri == "/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21")
            #expect(seen.jsonBody?["stream"] as? Bool == true)
        }
    }

    @Test("embeddings and images use the deployment's embeddings and images/generations paths")
    func embeddingsAndImages() async throws {
        try await DoubleFixture.with { fixture in
            let azure = fixture.azure()
            let embeddings = try await azure.embed(
                EmbeddingRequest(inputs: ["one", "two"]), model: "text-embedding-3-small", timeout: .seconds(5),
                logger: logger)
            #expect(embeddings.vectors.count == 2)
            let images = try await azure.generateImages(
                ImageRequest(prompt: "a red fox", n: 1, size: "1024x1024"), model: "dall-e-3", timeout: .seconds(5),
                logger: logger)
            #expect(images.images.count == 1)
            let uris = fixture.double.requests(for: .azure).map(\.uri)
            #expect(
                uris == [
                    "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
                    "/openai/deployments/dall-e-3/images/generations?api-version=2024-10-21",
                ])
            #expect(fixture.double.requests(for: .azure).allSatisfy { $0.header("api-key") == DoubleFixture.azureKey })
        }
    }

    @Test("two regions: a 503 from the first falls back to the second, which is named in the answer")
    func twoRegionsFallBack() async throws {
        try await DoubleFixture.with { fixture in
            let west = fixture.azure("azure-west", deployment: "gpt-4o-west")
            let east = fixture.azure("azure-east", deployment: "gpt-4o-east")
            fixture.double.script(Array(repeating: .error(status: 503), count: 2), for: .azure)
            let result = await fixture.chain(providers: [west, east], maxAttempts: 2).complete(
                CompletionRequest(prompt: "hi"), route: .default, deadline: relaxedDeadline(), logger: logger)
            let success = try #require(result.success)
            #expect(success.provider.rawValue == "azure-east")
            #expect(success.fallback)
            #expect(success.attempts.map(\.provider.rawValue) == ["azure-west", "azure-west", "azure-east"])
            #expect(
                fixture.double.requests(for: .azure).map(\.path) == [
                    "/openai/deployments/gpt-4o-west/chat/completions",
                    "/openai/deployments/gpt-4o-west/chat/completions",
                    "/openai/deployments/gpt-4o-east/chat/completions",
                ])
        }
    }
}
