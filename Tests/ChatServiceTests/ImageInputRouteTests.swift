import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import Providers
import TestSupport
import Testing

@Suite("image_url inputs on /v1/chat/completions: data: and http URLs, each provider's dialect, never stored")
struct ImageInputRouteTests {
    /// The double's 1×1 PNG, base64, and its SHA-256.
    static let pngBase64 = Data(ProviderDouble.samplePNG).base64EncodedString()
    static let pngSHA256 = "4ff6ab670a58c14270e034e2090d9a432caa263a14e0a25785386b0c12f880b5"

    static func body(_ kind: ProviderName, imageURL: String) -> [String: Any] {
        [
            "model": FeatureRoutes.model(kind),
            "messages": [
                [
                    "role": "user",
                    "content": [
                        ["type": "text", "text": "What is in this picture?"],
                        ["type": "image_url", "image_url": ["url": imageURL, "detail": "low"]],
                    ],
                ]
            ],
        ]
    }

    /// Checks the image reached the provider in its dialect, the answer saw it, and the document
    /// describes it without holding it.
    static func expectDelivered(
        _ kind: ProviderName, harness: ChatServiceHarness, response: TestResponse
    ) async throws {
        #expect(response.status == .ok)
        let message = try #require(try FeatureRoutes.choice(response)["message"] as? [String: Any])
        #expect(message["content"] as? String == "Echo: What is in this picture? [images: image/png 70 bytes]")
        let sent = try FeatureRoutes.sent(harness, kind)
        switch kind {
        case .gemini:
            let contents = try #require(sent["contents"] as? [[String: Any]])
            let parts = try #require(contents.first?["parts"] as? [[String: Any]])
            #expect(parts.first?["text"] as? String == "What is in this picture?")
            let inline = try #require(parts.last?["inlineData"] as? [String: Any])
            #expect(inline["mimeType"] as? String == "image/png")
            #expect(inline["data"] as? String == pngBase64)
        case .ollama:
            let first = try #require((sent["messages"] as? [[String: Any]])?.first)
            #expect(first["content"] as? String == "What is in this picture?")
            #expect(first["images"] as? [String] == [pngBase64])
        case .openai:
            let first = try #require((sent["messages"] as? [[String: Any]])?.first)
            let parts = try #require(first["content"] as? [[String: Any]])
            let image = try #require(parts.first { $0["type"] as? String == "image_url" })
            #expect((image["image_url"] as? [String: Any])?["url"] as? String == "data:image/png;base64,\(pngBase64)")
        default:
            Issue.record("no expectation for provider \(kind)")
        }

        let document = try await FeatureRoutes.document(harness, completionID: try response.json()["id"])
        let images = try #require(document["inputImages"] as? [[String: Any]])
        try #require(images.count == 1)
        #expect(images[0]["mimeType"] as? String == "image/png")
        #expect(try ExtendedJSON.int32(images[0]["bytes"]) == 70)
        #expect(images[0]["sha256"] as? String == pngSHA256)
        #expect(images[0].keys.sorted() == ["bytes", "mimeType", "sha256"])
        let stored = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        #expect(!stored.contains(pngBase64), "the image bytes are never stored")
        #expect(!stored.contains(String(pngBase64.prefix(24))), "not even in part")
        #expect((document["messages"] as? [[String: Any]])?.first?["content"] as? String == "What is in this picture?")
    }

    @Test(
        "a data: URL image reaches each provider in its dialect; the document keeps type, size and SHA-256 only",
        arguments: FeatureRoutes.kinds)
    func dataURL(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind) { harness, client in
            let response = try await FeatureRoutes.post(
                client, Self.body(kind, imageURL: "data:image/png;base64,\(Self.pngBase64)"))
            try await Self.expectDelivered(kind, harness: harness, response: response)
        }
    }

    @Test(
        "an http image URL is fetched by the gateway (private addresses allowed for the test) and sent inline",
        arguments: FeatureRoutes.kinds)
    func fetchedURL(kind: ProviderName) async throws {
        try await FeatureRoutes.run(kind, configure: { $0.imageFetch.allowPrivateAddresses = true }) {
            harness, client in
            let url = harness.double.baseURL + "/_double/image.png"
            let response = try await FeatureRoutes.post(client, Self.body(kind, imageURL: url))
            try await Self.expectDelivered(kind, harness: harness, response: response)
            #expect(harness.double.requests.filter { $0.path == "/_double/image.png" }.map(\.method) == ["GET"])
        }
    }

    @Test(
        "an image URL on a loopback address is refused unless IMAGE_FETCH_ALLOW_PRIVATE; nothing fetched, sent or stored"
    )
    func privateAddressRefused() async throws {
        try await FeatureRoutes.run(.gemini) { harness, client in
            let url = harness.double.baseURL + "/_double/image.png"
            let response = try await FeatureRoutes.post(client, Self.body(.gemini, imageURL: url))
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["param"] as? String == "messages[0].content[1].image_url.url")
            #expect((error["message"] as? String)?.contains("IMAGE_FETCH_ALLOW_PRIVATE") == true)
            #expect(harness.double.requests(for: .gemini).isEmpty)
            #expect(!harness.double.requests.contains { $0.path.hasPrefix("/_double/") }, "nothing was fetched")
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test("an image URL that serves something else is a 400 naming the part; nothing sent or stored")
    func notAnImage() async throws {
        try await FeatureRoutes.run(.ollama, configure: { $0.imageFetch.allowPrivateAddresses = true }) {
            harness, client in
            let url = harness.double.baseURL + "/_double/not-an-image"
            let response = try await FeatureRoutes.post(client, Self.body(.ollama, imageURL: url))
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["param"] as? String == "messages[0].content[1].image_url.url")
            #expect((error["message"] as? String)?.contains("text/html") == true)
            #expect(harness.double.requests(for: .ollama).isEmpty)
            #expect(try await harness.storedCount() == 0)
        }
    }

    @Test("an image larger than IMAGE_FETCH_MAX_BYTES is refused with a 400 naming the part")
    func tooLarge() async throws {
        try await FeatureRoutes.run(
            .ollama,
            configure: {
                $0.imageFetch.allowPrivateAddresses = true
                $0.imageFetch.maxBytes = 64
            }
        ) { harness, client in
            let url = harness.double.baseURL + "/_double/image.png"
            let response = try await FeatureRoutes.post(client, Self.body(.ollama, imageURL: url))
            #expect(response.status == .badRequest)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["param"] as? String == "messages[0].content[1].image_url.url")
            #expect((error["message"] as? String)?.contains("IMAGE_FETCH_MAX_BYTES") == true)
            #expect(harness.double.requests(for: .ollama).isEmpty)
            #expect(try await harness.storedCount() == 0)
        }
    }
}
