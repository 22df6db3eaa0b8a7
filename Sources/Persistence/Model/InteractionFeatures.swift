/// What a chat call asked of the model beyond text (issue 15): the tools it offered, how it let
/// the model choose, and the response format, so an agent trace in `interactions` shows what the
/// model was allowed to do next to what it did (`toolCalls`).
public struct InteractionFeatures: Sendable, Equatable {
    /// The offered functions' names, in order.
    public var tools: [String]
    /// `auto`, `none`, `required` or `function:<name>`; `nil` when the caller did not choose.
    public var toolChoice: String?
    public var parallelToolCalls: Bool?
    /// `json_object` or `json_schema`; `nil` for text.
    public var responseFormat: String?
    /// A `json_schema` format's name, strictness and schema (JSON text).
    public var schemaName: String?
    public var schemaStrict: Bool?
    public var schema: String?

    public init(
        tools: [String] = [], toolChoice: String? = nil, parallelToolCalls: Bool? = nil, responseFormat: String? = nil,
        schemaName: String? = nil, schemaStrict: Bool? = nil, schema: String? = nil
    ) {
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.responseFormat = responseFormat
        self.schemaName = schemaName
        self.schemaStrict = schemaStrict
        self.schema = schema
    }

    /// Whether there is anything to store.
    public var isEmpty: Bool {
        tools.isEmpty && toolChoice == nil && parallelToolCalls == nil && responseFormat == nil
    }
}
