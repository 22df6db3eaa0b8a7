/// A function the caller offers the model (OpenAI's `tools[].function`), so every provider can be
/// told the same tools in its own dialect (Gemini `functionDeclarations`, Ollama and OpenAI `tools`).
public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// A JSON Schema object for the arguments; `nil` when the function takes none.
    public var parameters: JSONValue?
    /// OpenAI's `strict`: the arguments must match `parameters` exactly.
    public var strict: Bool?

    public init(name: String, description: String? = nil, parameters: JSONValue? = nil, strict: Bool? = nil) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }
}
