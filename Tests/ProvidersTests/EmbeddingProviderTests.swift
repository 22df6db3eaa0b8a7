import Foundation
import NIOCore
import TestSupport
import Testing

@testable import Providers

@Suite("Embeddings through each provider kind against the double")
struct EmbeddingProviderTests {
    let logger = DoubleFixture.logger
    let inputs = ["The food was delicious", "and the waiter", "was friendly"]

    @Test("every provider kind answers one vector per input, in order, equal to the double's vectors")
    func everyKindEmbeds() async throws {
        try await DoubleFixture.with { fixture in
            let providers: [(any EmbeddingProvider, String)] = [
                (fixture.gemini, "text-embedding-004"), (fixture.ollama, "nomic-embed-text"),
                (fixture.openAI, "text-embedding-3-small"),
            ]
            for (provider, model) in providers {
                let answer = try await provider.embed(
                    EmbeddingRequest(inputs: inputs), model: model, timeout: .seconds(5), logger: logger)
                #expect(answer.vectors == inputs.map { ProviderDouble.embeddingVector(for: $0) }, "\(provider.name)")
                #expect(answer.dimensions == ProviderDouble.defaultEmbeddingDimensions)
                #expect(answer.model == model)
            }
            #expect(
                fixture.double.requests.map(\.path) == [
                    "/v1beta/models/text-embedding-004:batchEmbedContents", "/api/embed", "/v1/embeddings",
                ])
        }
    }

    @Test("usage is the provider's count where it reports one (Ollama, OpenAI) and absent for Gemini")
    func usageAsReported() async throws {
        try await DoubleFixture.with { fixture in
            let request = EmbeddingRequest(inputs: inputs)
            let words = inputs.map { $0.split(separator: " ").count }.reduce(0, +)
            let ollama = try await fixture.ollama.embed(request, model: "m", timeout: .seconds(5), logger: logger)
            let openAI = try await fixture.openAI.embed(request, model: "m", timeout: .seconds(5), logger: logger)
            let gemini = try await fixture.gemini.embed(request, model: "m", timeout: .seconds(5), logger: logger)
            #expect(ollama.usage == TokenUsage(promptTokens: words, completionTokens: 0, totalTokens: words))
            #expect(openAI.usage == TokenUsage(promptTokens: words, completionTokens: 0, totalTokens: words))
            #expect(gemini.usage == nil)
        }
    }

    @Test("dimensions reach each dialect's field: dimensions, dimensions, outputDimensionality")
    func dimensionsPassed() async throws {
        try await DoubleFixture.with { fixture in
            let request = EmbeddingRequest(inputs: ["short"], dimensions: 3)
            for provider in [fixture.gemini, fixture.ollama, fixture.openAI] as [any EmbeddingProvider] {
                let answer = try await provider.embed(request, model: "m", timeout: .seconds(5), logger: logger)
                #expect(answer.vectors == [ProviderDouble.embeddingVector(for: "short", dimensions: 3)])
            }
            let bodies = fixture.double.requests.map(\.body)
            #expect(bodies[0].contains("\"outputDimensionality\":3"))
            #expect(bodies[1].contains("\"dimensions\":3"))
            #expect(bodies[2].contains("\"dimensions\":3"))
        }
    }

    @Test("Gemini gets at most 100 inputs per batchEmbedContents call and the vectors stay in order")
    func geminiBatches() async throws {
        try await DoubleFixture.with { fixture in
            let many = (0..<250).map { "text number \($0)" }
            let answer = try await fixture.gemini.embed(
                EmbeddingRequest(inputs: many), model: "gemini-embedding-001", timeout: .seconds(5), logger: logger)
            #expect(answer.vectors == many.map { ProviderDouble.embeddingVector(for: $0) })
            let batches = fixture.double.requests(for: .gemini).map { request -> Int in
                let json = try? JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any]
                return (json?["requests"] as? [Any])?.count ?? -1
            }
            #expect(batches == [100, 100, 50])
        }
    }

    @Test("an OpenAI-compatible answer in base64 float32 is decoded to the same floats")
    func openAIBase64Decoded() throws {
        let vector = ProviderDouble.embeddingVector(for: "base64 please", dimensions: 5)
        var bytes = [UInt8]()
        for value in vector { withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes += $0 } }
        let body = ByteBuffer(
            string: #"{"object":"list","data":[{"object":"embedding","index":0,"embedding":""#
                + Data(bytes).base64EncodedString() + #""}],"model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}"#)
        let answer = try OpenAIProvider.embeddings(from: body, inputCount: 1, requestedModel: "m")
        #expect(answer.vectors == [vector])
    }

    @Test("fewer vectors than inputs is an invalid response, not a silent short answer")
    func countMismatchRefused() throws {
        let body = ByteBuffer(string: #"{"model":"m","embeddings":[[0.5,0.25]]}"#)
        #expect(throws: ProviderError.self) {
            try OllamaProvider.embeddings(from: body, inputCount: 2, requestedModel: "m")
        }
    }

    @Test("the chain retries a 503 and then falls back to the next provider with the same model")
    func chainFallsBackWithSameModel() async throws {
        try await DoubleFixture.with { fixture in
            fixture.double.script([.error(status: 503), .error(status: 503)], for: .ollama)
            let chain = fixture.chain(providers: [fixture.ollama, fixture.openAI], maxAttempts: 2)
            let result = await chain.embed(
                EmbeddingRequest(inputs: ["hello"]),
                route: ProviderRoute(first: .ollama, model: "nomic-embed-text", allowFallback: true),
                deadline: relaxedDeadline(), logger: logger)
            let answer = try result.get()
            #expect(answer.provider == .openai)
            #expect(answer.model == "nomic-embed-text")
            #expect(answer.fallback)
            #expect(answer.attempts.map(\.statusLabel) == ["503", "503", "200"])
            #expect(answer.value.vectors == [ProviderDouble.embeddingVector(for: "hello")])
            let openAIBody = try #require(fixture.double.requests(for: .openai).first?.body)
            #expect(openAIBody.contains("\"model\":\"nomic-embed-text\""))
        }
    }
}
