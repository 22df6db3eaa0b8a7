import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Persistence
import Providers
import TestSupport
import Testing

@Suite("POST /v1/images/generations: OpenAI-compatible upstreams, validation, incapable providers and stored documents")
struct ImagesRouteTests {
    static func post(_ client: any TestClientProtocol, _ body: String, requestID: String) async throws -> TestResponse {
        try await OpenAIRouteTests.post(client, "/v1/images/generations", body, headers: [.requestID: requestID])
    }

    static func document(_ harness: ChatServiceHarness, requestID: String) async throws -> (String, [String: Any]) {
        let documents = try await harness.reader.findDocuments(filterJSON: #"{"requestId": "\#(requestID)"}"#)
        try #require(documents.count == 1)
        return (
            documents[0], try #require(JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
        )
    }

    @Test("dall-e-3 answers a URL and its revised prompt; the document holds prompt, n, size and quality")
    func urlImage() async throws {
        try await ChatServiceHarness.run(providers: [.openai], configure: EmbeddingsRouteTests.withOpenAI) {
            harness, client in
            let response = try await Self.post(
                client,
                #"{"model": "dall-e-3", "prompt": "a lighthouse at dusk", "size": "1792x1024", "quality": "hd", "user": "painter"}"#,
                requestID: "image-url")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body["created"] is Int)
            let data = try #require(body["data"] as? [[String: Any]])
            #expect(data.count == 1)
            #expect((data[0]["url"] as? String)?.hasPrefix("https://") == true)
            #expect(data[0]["revised_prompt"] as? String == "A detailed rendering of: a lighthouse at dusk")
            #expect(data[0]["b64_json"] == nil)
            #expect(body["usage"] == nil)

            let sent = try #require(harness.double.requests(for: .openai).first)
            #expect(sent.path == "/v1/images/generations")
            let (_, document) = try await Self.document(harness, requestID: "image-url")
            #expect(document["route"] as? String == "/v1/images/generations")
            #expect(document["userId"] as? String == "painter")
            #expect(document["prompt"] as? String == "a lighthouse at dusk")
            #expect(document["response"] as? String == "")
            #expect(document["provider"] as? String == "openai")
            #expect(document["model"] as? String == "dall-e-3")
            let extra = try #require(document["extra"] as? [String: Any])
            #expect(try ExtendedJSON.int32(extra["n"]) == 1)
            #expect(extra["size"] as? String == "1792x1024")
            #expect(extra["quality"] as? String == "hd")
        }
    }

    @Test("b64_json images reach the caller but never the stored document; the default quality is stored")
    func base64Images() async throws {
        try await ChatServiceHarness.run(providers: [.openai], configure: EmbeddingsRouteTests.withOpenAI) {
            harness, client in
            let response = try await Self.post(
                client,
                #"{"model": "dall-e-2", "prompt": "two dots", "n": 2, "size": "256x256", "response_format": "b64_json"}"#,
                requestID: "image-b64")
            #expect(response.status == .ok)
            let data = try #require(try response.json()["data"] as? [[String: Any]])
            #expect(
                data.map { $0["b64_json"] as? String } == Array(repeating: ProviderDouble.onePixelPNGBase64, count: 2))
            let (raw, document) = try await Self.document(harness, requestID: "image-b64")
            #expect(!raw.contains(String(ProviderDouble.onePixelPNGBase64.prefix(24))))
            let extra = try #require(document["extra"] as? [String: Any])
            #expect(try ExtendedJSON.int32(extra["n"]) == 2)
            #expect(extra["size"] as? String == "256x256")
            #expect(extra["quality"] as? String == "standard")
        }
    }

    @Test("gpt-image-1's token usage is returned and stored")
    func gptImageUsage() async throws {
        try await ChatServiceHarness.run(providers: [.openai], configure: EmbeddingsRouteTests.withOpenAI) {
            harness, client in
            let response = try await Self.post(
                client, #"{"model": "gpt-image-1", "prompt": "a small red square", "quality": "low"}"#,
                requestID: "image-gpt")
            #expect(response.status == .ok)
            let usage = try #require(try response.json()["usage"] as? [String: Any])
            #expect(usage["input_tokens"] as? Int == 4)
            #expect(usage["output_tokens"] as? Int == 272)
            #expect(usage["total_tokens"] as? Int == 276)
            #expect(harness.double.requests(for: .openai).first?.body.contains("response_format") == false)
            let (_, document) = try await Self.document(harness, requestID: "image-gpt")
            let stored = try #require(document["usage"] as? [String: Any])
            #expect(try ExtendedJSON.int32(stored["totalTokens"]) == 276)
            #expect((document["extra"] as? [String: Any])?["quality"] as? String == "low")
        }
    }

    @Test("with only Ollama and Gemini configured an image request is a 400 naming them, and nothing is stored")
    func noCapableProvider() async throws {
        try await ChatServiceHarness.run(providers: [.ollama, .gemini]) { harness, client in
            let response = try await Self.post(client, #"{"prompt": "a cat"}"#, requestID: "image-none")
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            let message = try #require(error["message"] as? String)
            #expect(message.contains("ollama") && message.contains("gemini"))
            #expect(message.contains("cannot generate images") || message.contains("can generate images"))
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(try await harness.storedCount() == 0)
            #expect(harness.double.requests.isEmpty)
        }
    }

    @Test("a model served by a provider that cannot draw is a 400 naming that provider")
    func modelOnIncapableProvider() async throws {
        try await ChatServiceHarness.run(providers: [.ollama, .openai], configure: EmbeddingsRouteTests.withOpenAI) {
            harness, client in
            let response = try await Self.post(
                client, #"{"model": "llama3.2", "prompt": "a cat"}"#, requestID: "image-ollama")
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(
                error["message"] as? String
                    == "the model `llama3.2` is served by provider ollama, which cannot generate images; image generation needs an OpenAI-compatible or Azure provider"
            )
            #expect(error["param"] as? String == "model")
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test("fallback order skips a provider that cannot draw: Ollama first in PROVIDERS, OpenAI answers at once")
    func skipsIncapable() async throws {
        try await ChatServiceHarness.run(providers: [.ollama, .openai], configure: EmbeddingsRouteTests.withOpenAI) {
            harness, client in
            let response = try await Self.post(
                client, #"{"prompt": "a cat", "size": "512x512"}"#, requestID: "image-skip")
            #expect(response.status == .ok)
            let (_, document) = try await Self.document(harness, requestID: "image-skip")
            #expect(document["provider"] as? String == "openai")
            #expect(document["model"] as? String == "dall-e-2")
            #expect(document["fallback"] as? Bool == false)
            #expect((document["attempts"] as? [Any])?.count == 1)
            #expect(harness.double.requests(for: .ollama).isEmpty)
        }
    }

    @Test(
        "bad image requests get 400 in OpenAI's shape naming the parameter; nothing is stored and no provider is called",
        arguments: [
            (#"{"model": "dall-e-2", "prompt": "x", "size": "999x999"}"#, "size"),
            (#"{"model": "dall-e-3", "prompt": "x", "size": "256x256"}"#, "size"),
            (#"{"model": "dall-e-2", "prompt": "x", "n": 0}"#, "n"),
            (#"{"model": "dall-e-2", "prompt": "x", "n": 11}"#, "n"),
            (#"{"model": "dall-e-3", "prompt": "x", "n": 2}"#, "n"),
            (#"{"model": "dall-e-2", "prompt": "x", "n": "2"}"#, "n"),
            (#"{"model": "dall-e-3", "prompt": "x", "quality": "ultra"}"#, "quality"),
            (#"{"model": "gpt-image-1", "prompt": "x", "quality": "hd"}"#, "quality"),
            (#"{"model": "dall-e-2", "prompt": "x", "response_format": "png"}"#, "response_format"),
            (#"{"model": "dall-e-2", "prompt": "x", "style": "vivid"}"#, "style"),
            (#"{"model": "dall-e-2"}"#, "prompt"),
            (#"{"model": "dall-e-2", "prompt": "   "}"#, "prompt"),
            (#"{"model": "dall-e-2", "prompt": 42}"#, "prompt"),
            ("[]", ""),
        ])
    func badInputs(body: String, param: String) async throws {
        try await ChatServiceHarness.run(providers: [.openai], configure: EmbeddingsRouteTests.withOpenAI) {
            harness, client in
            let response = try await Self.post(client, body, requestID: "image-bad")
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["type"] as? String == "invalid_request_error")
            #expect((error["param"] as? String ?? "") == param)
            #expect(try await harness.storedCount() == 0)
            #expect(harness.double.requests(for: .openai).isEmpty)
        }
    }
}
