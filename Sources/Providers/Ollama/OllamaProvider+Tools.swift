import Foundation

// Tools, tool results, images and JSON output in Ollama's dialect (protocols.md §2.2): OpenAI-style
// `tools`, `tool_calls` whose arguments are an **object**, `tool` turns named by `tool_name`,
// base64 `images`, and `format` (`"json"` or a schema).
extension OllamaProvider {
    struct Tool: Encodable, Equatable {
        struct Function: Encodable, Equatable {
            var name: String
            var description: String?
            var parameters: JSONValue?
        }
        var type = "function"
        var function: Function
    }

    struct ToolCallWire: Codable, Equatable {
        struct Function: Codable, Equatable {
            var name: String
            /// An object, not a string (unlike OpenAI).
            var arguments: JSONValue?
        }
        /// Newer Ollama versions name their calls; older ones do not.
        var id: String?
        var function: Function
    }

    /// The conversation in Ollama's shape: images as base64, assistant calls with object
    /// arguments, tool results named after the call they answer.
    static func messages(of messages: [ChatMessage]) -> [Message] {
        var callNames: [String: String] = [:]
        return messages.map { message in
            var wire = Message(role: message.role.rawValue, content: message.content)
            if !message.images.isEmpty { wire.images = message.images.map { $0.data.base64EncodedString() } }
            if !message.toolCalls.isEmpty {
                wire.toolCalls = message.toolCalls.map { call in
                    callNames[call.id] = call.name
                    return ToolCallWire(
                        function: .init(name: call.name, arguments: (try? call.argumentsObject()) ?? .object([])))
                }
            }
            if message.role == .tool, let id = message.toolCallId { wire.toolName = callNames[id] }
            return wire
        }
    }

    /// The offered tools; `nil` without tools or with `tool_choice: none` (Ollama has no
    /// `tool_choice`: not offering them is how "none" is said).
    static func tools(for request: CompletionRequest) -> [Tool]? {
        guard !request.tools.isEmpty, request.toolChoice != ToolChoice.none else { return nil }
        return request.tools.map {
            Tool(function: .init(name: $0.name, description: $0.description, parameters: $0.parameters))
        }
    }

    /// `json_object` → `"json"`, `json_schema` → the schema itself.
    static func format(for responseFormat: ResponseFormat?) -> JSONValue? {
        switch responseFormat {
        case nil, .text?: return nil
        case .jsonObject?: return .string("json")
        case .jsonSchema(_, let schema, _)?: return schema
        }
    }

    /// A message's calls as whole-call deltas numbered from `first`, arguments turned into the
    /// JSON string OpenAI clients expect, each with an id (Ollama's, else a new `call_…`).
    static func toolCallDeltas(in message: Message, startingAt first: Int) -> [ToolCallDelta] {
        (message.toolCalls ?? []).enumerated().map { offset, call in
            ToolCallDelta(
                index: first + offset, id: call.id ?? ToolCall.makeID(), name: call.function.name,
                arguments: (call.function.arguments ?? .object([])).serialized)
        }
    }
}
