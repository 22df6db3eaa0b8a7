/// One piece of a streamed answer, normalised across providers, so the HTTP layer can forward
/// text the moment it arrives whatever wire format the upstream speaks.
///
/// Every field is "as reported by this event": `textDelta` is new text only (possibly empty, e.g.
/// OpenAI's role chunk or a Gemini event carrying only thoughts or usage); `finishReason`, `usage`
/// and `model` are `nil` when the event did not carry them. Usage is cumulative where a provider
/// reports it more than once (Gemini), so the latest non-`nil` value wins; `CompletionAccumulator`
/// applies exactly these rules.
public struct CompletionChunk: Sendable, Equatable {
    public var textDelta: String
    public var finishReason: FinishReason?
    public var usage: TokenUsage?
    /// The model that answered, as the provider names it, when the event said.
    public var model: String?
    /// Tool-call pieces this event carried (OpenAI: fragments; Gemini, Ollama: whole calls).
    public var toolCalls: [ToolCallDelta] = []

    public init(textDelta: String, finishReason: FinishReason? = nil, usage: TokenUsage? = nil, model: String? = nil) {
        self.textDelta = textDelta
        self.finishReason = finishReason
        self.usage = usage
        self.model = model
    }
}
