/// What the gateway asks of a model, independent of any provider's wire format.
public struct CompletionRequest: Sendable, Equatable {
    /// The conversation, oldest first. `/v1/chat` sends a single user message.
    public var messages: [ChatMessage]
    public var options: GenerationOptions
    /// Functions the model may call (empty: none offered).
    public var tools: [ToolDefinition] = []
    /// `nil`: the provider's default (`auto` when tools are offered).
    public var toolChoice: ToolChoice?
    /// OpenAI's `parallel_tool_calls`; `nil`: the provider's default (allowed).
    public var parallelToolCalls: Bool?
    /// `nil`: plain text.
    public var responseFormat: ResponseFormat?

    public init(messages: [ChatMessage], options: GenerationOptions = .init()) {
        self.messages = messages
        self.options = options
    }

    /// A one-turn request holding just a user prompt.
    public init(prompt: String) {
        self.init(messages: [ChatMessage(role: .user, content: prompt)])
    }
}

/// One message of a conversation.
public struct ChatMessage: Sendable, Equatable {
    /// Who said it. Gemini calls the assistant `model` and takes system text separately;
    /// each provider maps these itself.
    public enum Role: String, Sendable, Equatable {
        case system
        case user
        case assistant
        /// A tool's result (OpenAI `tool`, Gemini `functionResponse`, Ollama `tool`).
        case tool
    }

    public var role: Role
    public var content: String
    /// An assistant turn's calls (its `content` may then be empty).
    public var toolCalls: [ToolCall] = []
    /// A `tool` turn: the id of the call it answers.
    public var toolCallId: String?
    /// A user turn's images, in order, after its text.
    public var images: [ImageInput] = []

    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}

/// Sampling settings a caller may set; `nil` means "the provider's default".
public struct GenerationOptions: Sendable, Equatable {
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    public var stop: [String]?

    public init(temperature: Double? = nil, topP: Double? = nil, maxTokens: Int? = nil, stop: [String]? = nil) {
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.stop = stop
    }
}
