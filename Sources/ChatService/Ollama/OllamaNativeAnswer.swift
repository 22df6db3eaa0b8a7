import Providers

/// What an Ollama answer said, read from its JSON lines (one object when not streamed, NDJSON
/// when streamed; protocols.md §2.3–§2.4) while they are forwarded untouched: the text, the
/// final line's counts and reason, or the error Ollama wrote instead.
struct OllamaNativeAnswer: Sendable {
    let endpoint: OllamaNativeEndpoint
    private(set) var text = ""
    private(set) var model: String?
    private(set) var doneReason: String?
    private(set) var promptEvalCount: Int?
    private(set) var evalCount: Int?
    /// Set by a `{"error": "…"}` line (a failure after the head was sent).
    private(set) var error: String?
    /// Whether the `done: true` line arrived; a stream without it is broken.
    private(set) var isDone = false
    /// `/api/chat`: the calls of `message.tool_calls`, from every line (SPEC §4 `toolCalls`).
    private(set) var toolCalls: [ToolCall] = []

    init(endpoint: OllamaNativeEndpoint) {
        self.endpoint = endpoint
    }

    /// Reads one line (or the whole non-streamed body) and says whether it was the final one.
    @discardableResult
    mutating func add(line: some Collection<UInt8>) -> Bool {
        guard let object = try? JSONValue(parsing: line), case .object = object else { return false }
        if let message = object["error"]?.stringValue {
            error = message
            return false
        }
        switch endpoint {
        case .chat:
            text += object["message"]?["content"]?.stringValue ?? ""
            if let message = object["message"] { toolCalls += Self.toolCalls(in: message) }
        case .generate: text += object["response"]?.stringValue ?? ""
        }
        if let name = object["model"]?.stringValue { model = name }
        guard object["done"]?.boolValue == true else { return false }
        isDone = true
        doneReason = object["done_reason"]?.stringValue
        promptEvalCount = Self.integer(object["prompt_eval_count"])
        evalCount = Self.integer(object["eval_count"])
        return true
    }

    /// The answer as a neutral completion: counts from the final line (absent counts are 0,
    /// Ollama omits zeros), none when it never came.
    func completion(requestedModel: String) -> Completion {
        let usage =
            isDone
            ? TokenUsage(
                promptTokens: promptEvalCount ?? 0, completionTokens: evalCount ?? 0,
                totalTokens: (promptEvalCount ?? 0) + (evalCount ?? 0))
            : nil
        var completion = Completion(
            text: text, model: model ?? requestedModel, finishReason: doneReason == "length" ? .length : .stop,
            usage: usage)
        completion.toolCalls = toolCalls
        return completion
    }

    /// An Ollama message's `tool_calls` (`{function: {name, arguments}}`, arguments an object) as
    /// neutral calls with the arguments as JSON text; Ollama names no call, so each gets an id
    /// (unless it brought one) for the document.
    static func toolCalls(in message: JSONValue) -> [ToolCall] {
        (message["tool_calls"]?.arrayValue ?? []).compactMap { call in
            guard let name = call["function"]?["name"]?.stringValue else { return nil }
            let arguments = call["function"]?["arguments"]
            return ToolCall(
                id: call["id"]?.stringValue ?? ToolCall.makeID(), name: name,
                arguments: arguments?.stringValue ?? arguments?.serialized ?? "{}")
        }
    }

    private static func integer(_ value: JSONValue?) -> Int? {
        switch value {
        case .integer(let number)?: return Int(clamping: number)
        case .number(let number)? where number.isFinite: return Int(number)
        default: return nil
        }
    }
}
