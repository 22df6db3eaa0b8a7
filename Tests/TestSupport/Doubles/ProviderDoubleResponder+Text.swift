import Foundation
import NIOCore
import NIOHTTP1

// Reading prompts out of requests and shaping answer text, shared by every protocol.
extension ProviderDoubleResponder {
    static func geminiModel(fromPath path: String) -> String {
        let tail = path.dropFirst("/v1beta/models/".count)
        return String(tail.prefix { $0 != ":" })
    }

    /// The last user turn's text: Gemini `contents[role=user|absent].parts[].text`, Ollama and
    /// OpenAI `messages[role=user].content` (a string or text parts).
    static func lastUserText(route: ProviderDoubleRoute, json: [String: Any]) -> String {
        switch route {
        case .gemini:
            let contents = (json["contents"] as? [[String: Any]]) ?? []
            guard let last = contents.last(where: { ($0["role"] as? String ?? "user") == "user" }) else { return "" }
            return ((last["parts"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined()
        case .ollama, .openai, .azure:
            if let prompt = json["prompt"] as? String { return prompt }  // Ollama's /api/generate
            let messages = (json["messages"] as? [[String: Any]]) ?? []
            guard let last = messages.last(where: { $0["role"] as? String == "user" }) else { return "" }
            return contentText(last["content"])
        }
    }

    /// Word count of every text the prompt carries (system included), at least 1.
    static func promptWords(route: ProviderDoubleRoute, json: [String: Any]?) -> Int {
        guard let json else { return 1 }
        var texts: [String] = []
        switch route {
        case .gemini:
            for key in ["systemInstruction", "system_instruction"] {
                if let system = json[key] as? [String: Any] {
                    texts += ((system["parts"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }
                }
            }
            for content in (json["contents"] as? [[String: Any]]) ?? [] {
                texts += ((content["parts"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }
            }
        case .ollama, .openai, .azure:
            texts = ((json["messages"] as? [[String: Any]]) ?? []).map { contentText($0["content"]) }
            if let prompt = json["prompt"] as? String { texts.append(prompt) }  // Ollama's /api/generate
        }
        return max(1, texts.map(wordCount).reduce(0, +))
    }

    private static func contentText(_ content: Any?) -> String {
        if let text = content as? String { return text }
        let parts = (content as? [[String: Any]]) ?? []
        return parts.compactMap { $0["text"] as? String }.joined()
    }

    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// The text cut into word-sized deltas that concatenate back to it exactly.
    static func streamPieces(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            if character.isWhitespace, !current.isEmpty, !(current.last?.isWhitespace ?? true) {
                pieces.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty || pieces.isEmpty { pieces.append(current) }
        return pieces
    }

    static func serialize(_ object: Any) -> String {
        guard JSONSerialization.isValidJSONObject(object),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}
