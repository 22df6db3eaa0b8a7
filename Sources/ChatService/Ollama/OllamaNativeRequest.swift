import Foundation
import Persistence
import Providers

/// A client's `POST /api/chat` or `/api/generate` body (protocols.md §2.2), checked only as far
/// as the gateway needs it (a JSON object with a `model`), and otherwise sent upstream with every
/// field it has. It also says what the interaction document stores: the messages or the prompt.
struct OllamaNativeRequest: Sendable {
    let endpoint: OllamaNativeEndpoint
    /// The body sent upstream: the caller's members in their order, plus `keep_alive` when the
    /// caller set none and the gateway has a default for the model.
    private(set) var body: JSONValue
    let model: String
    /// Ollama streams unless `stream` is literally `false`.
    let stream: Bool
    /// `/api/chat`: the conversation as stored (roles as sent); `/api/generate`: `nil`.
    let messages: [InteractionMessage]?
    /// `/api/chat`: the last user message; `/api/generate`: `prompt` ("" for a load request).
    let prompt: String

    /// Reads `bytes`; a body Ollama itself would refuse with 400 is refused here the same way,
    /// with Ollama's wording where it has one.
    init(endpoint: OllamaNativeEndpoint, json bytes: some Collection<UInt8>) throws(APIError) {
        self.endpoint = endpoint
        guard !bytes.isEmpty else { throw .invalidRequest("missing request body") }
        let parsed: JSONValue
        do {
            parsed = try JSONValue(parsing: bytes)
        } catch {
            throw .invalidRequest("the request body is not valid JSON: \(error)")
        }
        guard case .object = parsed else {
            throw .invalidRequest("the request body must be a JSON object, got \(parsed.typeName)")
        }
        body = parsed
        guard let modelValue = parsed["model"], modelValue != .null else { throw .invalidRequest("model is required") }
        guard let model = modelValue.stringValue else {
            throw .invalidRequest("model must be a string, got \(modelValue.typeName)")
        }
        guard !model.trimmingCharacters(in: .whitespaces).isEmpty else { throw .invalidRequest("model is required") }
        self.model = model
        switch parsed["stream"] {
        case nil, .null?: stream = true
        case .bool(let value)?: stream = value
        case let other?: throw .invalidRequest("stream must be a boolean, got \(other.typeName)")
        }
        switch endpoint {
        case .chat:
            let list: [JSONValue]
            switch parsed["messages"] {
            case nil, .null?: list = []
            case .array(let values)?: list = values
            case let other?: throw .invalidRequest("messages must be an array, got \(other.typeName)")
            }
            var messages: [InteractionMessage] = []
            for (index, message) in list.enumerated() {
                guard case .object = message else {
                    throw .invalidRequest("messages[\(index)] must be an object, got \(message.typeName)")
                }
                guard let role = message["role"]?.stringValue else {
                    throw .invalidRequest("messages[\(index)].role must be a string")
                }
                var stored = InteractionMessage(role: role, content: message["content"]?.stringValue ?? "")
                let calls = OllamaNativeAnswer.toolCalls(in: message)
                if !calls.isEmpty {
                    stored.toolCalls = calls.map {
                        InteractionToolCall(id: $0.id, name: $0.name, arguments: $0.arguments)
                    }
                }
                messages.append(stored)
            }
            self.messages = messages
            prompt = messages.last { $0.role == "user" }?.content ?? ""
        case .generate:
            switch parsed["prompt"] {
            case nil, .null?: prompt = ""
            case .string(let text)?: prompt = text
            case let other?: throw .invalidRequest("prompt must be a string, got \(other.typeName)")
            }
            messages = nil
        }
    }

    /// Adds `keep_alive: value` at the end of the body unless the caller set one (or `value` is `nil`).
    mutating func setKeepAliveIfAbsent(_ value: JSONValue?) {
        guard let value, body["keep_alive"] == nil, case .object(var members) = body else { return }
        members.append(JSONValue.Member("keep_alive", value))
        body = .object(members)
    }

    /// The prompt as neutral messages, for the token estimate when Ollama reports no counts.
    var promptMessages: [ChatMessage] {
        guard let messages else { return [ChatMessage(role: .user, content: prompt)] }
        return messages.map { ChatMessage(role: ChatMessage.Role(rawValue: $0.role) ?? .user, content: $0.content) }
    }
}
