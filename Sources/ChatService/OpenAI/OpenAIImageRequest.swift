import Foundation
import Providers

/// The body of `POST /v1/images/generations` (protocols.md §5.3), validated against what the
/// named model accepts (dall-e-2, dall-e-3, gpt-image-1; any other model may use any value one of
/// them accepts), so a bad size or quality is a 400 naming the parameter before any provider is called.
struct OpenAIImageRequest: Sendable, Equatable {
    /// OpenAI's default model when the body names none.
    static let defaultModel = "dall-e-2"
    static let maxPromptCharacters = 32000

    var model: String
    var prompt: String
    var n: Int
    /// The size asked for, or the model's default (`1024x1024`).
    var size: String
    /// The quality asked for, or `nil` for the model's default (see `storedQuality`).
    var quality: String?
    var style: String?
    var responseFormat: String?
    var user: String?

    /// The quality stored in `extra.quality`: the one asked for, else what the model uses by
    /// default (`standard` for dall-e, `auto` otherwise).
    var storedQuality: String { quality ?? (model.hasPrefix("dall-e") ? "standard" : "auto") }

    /// What the provider is sent; gpt-image models take no `response_format` (they always answer base64).
    var providerRequest: ImageRequest {
        ImageRequest(
            prompt: prompt, n: n, size: size, quality: quality, style: style,
            responseFormat: model.hasPrefix("gpt-image") ? nil : responseFormat, user: user)
    }
}

extension OpenAIImageRequest {
    /// What one model family accepts.
    struct ModelRules {
        var sizes: [String]
        var qualities: [String]
        var maxImages: Int
        var styles: [String]
    }

    static let rules: [String: ModelRules] = [
        "dall-e-2": ModelRules(
            sizes: ["256x256", "512x512", "1024x1024"], qualities: ["standard"], maxImages: 10, styles: []),
        "dall-e-3": ModelRules(
            sizes: ["1024x1024", "1792x1024", "1024x1792"], qualities: ["standard", "hd"], maxImages: 1,
            styles: ["vivid", "natural"]),
        "gpt-image-1": ModelRules(
            sizes: ["1024x1024", "1536x1024", "1024x1536", "auto"], qualities: ["low", "medium", "high", "auto"],
            maxImages: 10, styles: []),
    ]

    /// Any model not in `rules`: whatever one of the known ones accepts.
    static let anyModel = ModelRules(
        sizes: ["256x256", "512x512", "1024x1024", "1792x1024", "1024x1792", "1536x1024", "1024x1536", "auto"],
        qualities: ["standard", "hd", "low", "medium", "high", "auto"], maxImages: 10, styles: ["vivid", "natural"])

    init(json body: some DataProtocol) throws(APIError) {
        let wire: Wire = try OpenAIRequestFields.decode(body) { path in
            .invalidRequest("\(path) must be \(path == "n" ? "an integer" : "a string")", param: path)
        }
        guard let prompt = wire.prompt, !prompt.allSatisfy(\.isWhitespace) else {
            throw .invalidRequest("prompt is required and must not be empty", param: "prompt")
        }
        guard prompt.count <= Self.maxPromptCharacters else {
            throw .invalidRequest("prompt is longer than \(Self.maxPromptCharacters) characters", param: "prompt")
        }
        let model = wire.model.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } ?? Self.defaultModel
        let rules = Self.rules[Self.family(of: model)] ?? Self.anyModel
        let n = wire.n ?? 1
        guard (1...rules.maxImages).contains(n) else {
            throw .invalidRequest(
                rules.maxImages == 1
                    ? "\(model) makes one image per request: n must be 1"
                    : "n must be between 1 and \(rules.maxImages)", param: "n")
        }
        let size = wire.size ?? "1024x1024"
        guard rules.sizes.contains(size) else {
            throw .invalidRequest(
                "size \"\(size)\" is not supported for \(model); use one of \(rules.sizes.joined(separator: ", "))",
                param: "size")
        }
        if let quality = wire.quality, !rules.qualities.contains(quality) {
            throw .invalidRequest(
                "quality \"\(quality)\" is not supported for \(model); use one of \(rules.qualities.joined(separator: ", "))",
                param: "quality")
        }
        if let style = wire.style, !rules.styles.contains(style) {
            throw .invalidRequest(
                rules.styles.isEmpty
                    ? "style is only supported for dall-e-3"
                    : "style must be one of \(rules.styles.joined(separator: ", "))",
                param: "style")
        }
        if let format = wire.response_format, !["url", "b64_json"].contains(format) {
            throw .invalidRequest(
                "response_format must be \"url\" or \"b64_json\", not \"\(format)\"", param: "response_format")
        }
        self.init(
            model: model, prompt: prompt, n: n, size: size, quality: wire.quality, style: wire.style,
            responseFormat: wire.response_format, user: wire.user.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// `dall-e-3` for `dall-e-3`, `openai/dall-e-3` or a dated `dall-e-3-2024…`; the name itself otherwise.
    static func family(of model: String) -> String {
        let bare = model.split(separator: "/").last.map(String.init) ?? model
        return rules.keys.first { bare == $0 || bare.hasPrefix($0 + "-") } ?? bare
    }

    private struct Wire: Decodable {
        var model: String?
        var prompt: String?
        var n: Int?
        var size: String?
        var quality: String?
        var style: String?
        var response_format: String?
        var user: String?
    }
}
