/// One streamed piece of a tool call, as OpenAI streams them (`delta.tool_calls[]`): the first
/// piece of a call carries its `index`, `id` and `name`, later ones argument text only. Providers
/// that send whole calls (Gemini, Ollama) yield one delta per call with all of it.
public struct ToolCallDelta: Sendable, Equatable {
    /// Which call of the answer this belongs to (0-based, in order of appearance).
    public var index: Int
    public var id: String?
    public var name: String?
    /// More argument text (possibly empty).
    public var arguments: String

    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String = "") {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}
