import Foundation
import NIOCore
import NIOHTTP1

// Image answers in OpenAI's (and Azure's) shape, protocols.md §5.3: `url` items by default,
// `b64_json` when asked (and always for gpt-image-1, which also reports token usage).
extension ProviderDoubleResponder {
    /// Whether `path` asks for images (OpenAI's path, with or without `/v1`, or Azure's deployment path).
    static func isImagePath(_ path: String) -> Bool {
        path.hasSuffix("/images/generations")
    }

    /// The successful image answer for `request`, or OpenAI's 400 for a prompt it would refuse.
    func imageSuccess(
        request: ProviderDoubleRequest, json: [String: Any], behaviour: ProviderDoubleBehaviour
    )
        -> ProviderDoubleReply
    {
        guard let prompt = json["prompt"] as? String, !prompt.isEmpty else {
            return openAIError(400, message: "'prompt' is a required property")
        }
        let model = behaviour.model ?? (json["model"] as? String ?? "dall-e-2")
        let count = json["n"] as? Int ?? 1
        let gptImage = model.hasPrefix("gpt-image")
        let asBase64 = gptImage || (json["response_format"] as? String) == "b64_json"
        let data = (0..<count).map { index -> [String: Any] in
            var item: [String: Any] =
                asBase64
                ? ["b64_json": ProviderDouble.onePixelPNGBase64]
                : ["url": "https://images.double.invalid/\(prompt.utf8.count)-\(index).png"]
            if model == "dall-e-3" { item["revised_prompt"] = "A detailed rendering of: \(prompt)" }
            return item
        }
        var object: [String: Any] = ["created": 1_767_348_000, "data": data]
        if gptImage {
            let input = Self.wordCount(prompt)
            let output = 272 * count
            object["usage"] = [
                "input_tokens": input, "output_tokens": output, "total_tokens": input + output,
                "input_tokens_details": ["text_tokens": input, "image_tokens": 0],
            ]
        }
        return .json(.ok, object)
    }
}
