import Providers

/// Token counts for providers that report none (some OpenAI-compatible servers, old Ollama
/// builds). The rule is OpenAI's published rule of thumb for English text: about four characters
/// per token, rounded up, at least one token for any non-empty text. Documents carrying an
/// estimate are marked `usage.estimated: true` so analysts can tell measured from estimated.
enum TokenEstimate {
    static func tokens(in text: String) -> Int {
        let characters = text.unicodeScalars.count
        return characters == 0 ? 0 : (characters + 3) / 4
    }

    /// An estimate for a whole exchange: every message of the prompt plus the answer.
    static func usage(prompt messages: [ChatMessage], completion: String) -> TokenUsage {
        let prompt = messages.reduce(0) { $0 + tokens(in: $1.content) }
        let completion = tokens(in: completion)
        return TokenUsage(promptTokens: prompt, completionTokens: completion, totalTokens: prompt + completion)
    }
}
