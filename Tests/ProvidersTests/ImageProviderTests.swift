import Foundation
import Providers
import TestSupport
import Testing

@Suite("Image generation through OpenAI-compatible providers against the double")
struct ImageProviderTests {
    let logger = DoubleFixture.logger

    @Test("an OpenAI-compatible provider sends every field and reads back one URL per image")
    func urlsBack() async throws {
        try await DoubleFixture.with { fixture in
            let request = ImageRequest(prompt: "a red fox", n: 2, size: "512x512", responseFormat: "url", user: "u1")
            let answer = try await fixture.openAI.generateImages(
                request, model: "dall-e-2", timeout: .seconds(5), logger: logger)
            #expect(answer.images.count == 2)
            #expect(answer.images.allSatisfy { $0.url != nil && $0.base64JSON == nil })
            #expect(answer.usage == nil)
            let sent = try #require(fixture.double.requests.first)
            #expect(sent.path == "/v1/images/generations")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(sent.body.utf8)) as? [String: Any])
            #expect(json["prompt"] as? String == "a red fox")
            #expect(json["n"] as? Int == 2)
            #expect(json["size"] as? String == "512x512")
            #expect(json["response_format"] as? String == "url")
            #expect(json["user"] as? String == "u1")
            #expect(json["quality"] == nil)
        }
    }

    @Test("b64_json images come back as base64 and gpt-image-1's token usage is read")
    func base64AndUsage() async throws {
        try await DoubleFixture.with { fixture in
            let answer = try await fixture.openAI.generateImages(
                ImageRequest(prompt: "a tiny square", n: 1, size: "1024x1024", quality: "low"),
                model: "gpt-image-1", timeout: .seconds(5), logger: logger)
            #expect(answer.images.map(\.base64JSON) == [ProviderDouble.onePixelPNGBase64])
            #expect(answer.usage == TokenUsage(promptTokens: 3, completionTokens: 272, totalTokens: 275))
        }
    }

    @Test("the image chain skips providers that cannot draw and reports none when none can")
    func chainSkipsIncapable() async throws {
        try await DoubleFixture.with { fixture in
            let request = ImageRequest(prompt: "a boat", n: 1, size: "256x256")
            let chain = fixture.chain(providers: [fixture.gemini, fixture.ollama, fixture.openAI])
            #expect(chain.imageProviders.map(\.name) == [.openai])
            let answer = try await chain.generateImages(
                request, route: ProviderRoute(model: "dall-e-2"), deadline: relaxedDeadline(), logger: logger
            ).get()
            #expect(answer.provider == .openai)
            #expect(!answer.fallback)
            #expect(fixture.double.requests.map(\.path) == ["/v1/images/generations"])

            let none = fixture.chain(providers: [fixture.gemini, fixture.ollama])
            let result = await none.generateImages(
                request, route: ProviderRoute(model: "dall-e-2"), deadline: relaxedDeadline(), logger: logger)
            guard case .failure(let failure) = result else {
                Issue.record("expected a failure")
                return
            }
            #expect(failure.attempts.isEmpty)
            #expect(failure.message == "No configured provider can generate images (PROVIDERS = gemini,ollama).")
        }
    }
}
