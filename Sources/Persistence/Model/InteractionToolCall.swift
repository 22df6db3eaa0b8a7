/// One function call of an agent trace (SPEC §4 `toolCalls`, and `messages[].toolCalls`), so
/// analysts can query which tools a model called with which arguments.
public struct InteractionToolCall: Sendable, Equatable {
    public var id: String
    public var name: String
    /// The arguments as JSON text, as OpenAI clients receive them.
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}
