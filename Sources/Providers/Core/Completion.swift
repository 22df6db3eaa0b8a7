/// A model's whole answer, normalised across providers.
public struct Completion: Sendable, Equatable {
    public var text: String
    /// The model that answered, as the provider names it (e.g. Gemini's `modelVersion`).
    public var model: String
    public var finishReason: FinishReason
    /// Token counts as the provider reported them; `nil` when it reported none.
    public var usage: TokenUsage?
    /// The functions the model asked to call, in order (empty when it answered with text).
    public var toolCalls: [ToolCall] = []

    public init(text: String, model: String, finishReason: FinishReason, usage: TokenUsage?) {
        self.text = text
        self.model = model
        self.finishReason = finishReason
        self.usage = usage
    }
}

/// Why generation stopped, in OpenAI's vocabulary (protocols.md §4 maps each provider onto it).
public enum FinishReason: String, Sendable, Equatable {
    case stop
    case length
    case contentFilter = "content_filter"
    case toolCalls = "tool_calls"
}

/// Prompt and completion token counts.
public struct TokenUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int

    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
    }

    /// From the counts a provider reported, any of which it may omit: absent counts are 0 and an
    /// absent total is the sum (the one rule for Gemini, Ollama and OpenAI-compatible usage).
    init(reportedPrompt prompt: Int?, completion: Int?, total: Int? = nil) {
        let prompt = prompt ?? 0
        let completion = completion ?? 0
        self.init(promptTokens: prompt, completionTokens: completion, totalTokens: total ?? prompt + completion)
    }
}
