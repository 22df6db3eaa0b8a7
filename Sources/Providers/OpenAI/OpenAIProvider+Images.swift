import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

// `POST {base}/images/generations` (protocols.md §5.3).
extension OpenAIProvider: ImageGenerationProvider {
    public func generateImages(
        _ request: ImageRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> GeneratedImages {
        try await post(
            "images/generations", body: Self.imageBody(for: request, model: model), model: model, timeout: timeout,
            logger: logger
        ) { body throws(ProviderError) in
            try Self.generatedImages(from: body)
        }
    }

    struct ImageBody: Encodable, Equatable {
        var model: String
        var prompt: String
        var n: Int
        var size: String
        var quality: String?
        var style: String?
        var responseFormat: String?
        var user: String?
        enum CodingKeys: String, CodingKey {
            case model, prompt, n, size, quality, style, user
            case responseFormat = "response_format"
        }
    }

    struct ImageResponse: Decodable {
        struct Item: Decodable {
            var url: String?
            var b64JSON: String?
            var revisedPrompt: String?
            enum CodingKeys: String, CodingKey {
                case url
                case b64JSON = "b64_json"
                case revisedPrompt = "revised_prompt"
            }
        }
        struct ImageUsage: Decodable {
            var inputTokens: Int?
            var outputTokens: Int?
            var totalTokens: Int?
            enum CodingKeys: String, CodingKey {
                case inputTokens = "input_tokens"
                case outputTokens = "output_tokens"
                case totalTokens = "total_tokens"
            }
        }
        var created: Int?
        var data: [Item]
        var usage: ImageUsage?
    }

    static func imageBody(for request: ImageRequest, model: String) -> ImageBody {
        ImageBody(
            model: model, prompt: request.prompt, n: request.n, size: request.size, quality: request.quality,
            style: request.style, responseFormat: request.responseFormat, user: request.user)
    }

    /// Reads a 2xx image answer; each image must carry a URL or its bytes.
    static func generatedImages(from body: ByteBuffer) throws(ProviderError) -> GeneratedImages {
        let decoded = try WireJSON.decode(
            ImageResponse.self, from: body,
            orFailWith: "the OpenAI-compatible server answered 200 with a body that is not an image answer")
        guard !decoded.data.isEmpty, decoded.data.allSatisfy({ $0.url != nil || $0.b64JSON != nil }) else {
            throw ProviderError(
                kind: .invalidResponse, message: "the OpenAI-compatible server answered 200 without images")
        }
        return GeneratedImages(
            created: decoded.created ?? Int(Date().timeIntervalSince1970),
            images: decoded.data.map {
                GeneratedImage(url: $0.url, base64JSON: $0.b64JSON, revisedPrompt: $0.revisedPrompt)
            },
            usage: decoded.usage.map {
                TokenUsage(reportedPrompt: $0.inputTokens, completion: $0.outputTokens, total: $0.totalTokens)
            })
    }
}
