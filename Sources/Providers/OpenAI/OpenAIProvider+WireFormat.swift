import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

// The JSON shapes of protocols.md §3.1–§3.3, §3.5 and §3.7, and the mapping to and from the
// provider-neutral types.
extension OpenAIProvider {
    struct RequestBody: Encodable, Equatable {
        struct Message: Encodable, Equatable {
            var role: String
            /// A string, a list of text and `image_url` parts, or `null` (an assistant turn of
            /// tool calls only).
            var content: MessageContent?
            var toolCalls: [ToolCallWire]?
            var toolCallId: String?
            enum CodingKeys: String, CodingKey {
                case role, content
                case toolCalls = "tool_calls"
                case toolCallId = "tool_call_id"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(role, forKey: .role)
                if let content {
                    try container.encode(content, forKey: .content)
                } else {
                    try container.encodeNil(forKey: .content)
                }
                try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
                try container.encodeIfPresent(toolCallId, forKey: .toolCallId)
            }
        }
        struct StreamOptions: Encodable, Equatable {
            var includeUsage: Bool
            enum CodingKeys: String, CodingKey {
                case includeUsage = "include_usage"
            }
        }
        var model: String
        var messages: [Message]
        var temperature: Double?
        var topP: Double?
        /// `max_tokens` rather than `max_completion_tokens`: every compatible server reads it
        /// (Ollama's `/v1` ignores the newer name).
        var maxTokens: Int?
        var stop: [String]?
        var stream: Bool
        var streamOptions: StreamOptions?
        var tools: [Tool]?
        var toolChoice: ToolChoiceWire?
        var parallelToolCalls: Bool?
        var responseFormat: ResponseFormatWire?
        enum CodingKeys: String, CodingKey {
            case model, messages, temperature, stop, stream, tools
            case topP = "top_p"
            case maxTokens = "max_tokens"
            case streamOptions = "stream_options"
            case toolChoice = "tool_choice"
            case parallelToolCalls = "parallel_tool_calls"
            case responseFormat = "response_format"
        }
    }

    struct Usage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?
        var totalTokens: Int?
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case totalTokens = "total_tokens"
        }

        var tokenUsage: TokenUsage {
            TokenUsage(reportedPrompt: promptTokens, completion: completionTokens, total: totalTokens)
        }
    }

    /// A `chat.completion` (non-stream) or a `chat.completion.chunk` (stream): `message` in the
    /// first, `delta` in the second. A stream's `data: {"error": …}` event decodes as `error`
    /// alone, so each event is decoded once.
    struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
                var toolCalls: [ToolCallWire]?
                enum CodingKeys: String, CodingKey {
                    case content
                    case toolCalls = "tool_calls"
                }
            }
            var message: Message?
            var delta: Message?
            var finishReason: String?
            enum CodingKeys: String, CodingKey {
                case message, delta
                case finishReason = "finish_reason"
            }
        }
        var model: String?
        var choices: [Choice]?
        var usage: Usage?
        var error: ErrorEnvelope?

        private enum CodingKeys: String, CodingKey {
            case model, choices, usage
        }

        init(from decoder: any Decoder) throws {
            if let error = ErrorEnvelope(reportedIn: decoder) {
                self.error = error
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            choices = try container.decodeIfPresent([Choice].self, forKey: .choices)
            usage = try container.decodeIfPresent(Usage.self, forKey: .usage)
        }
    }

    /// `{"error": {"message", "type", "param", "code"}}`; compatible servers vary, so `error` may
    /// also be a bare string, `code` a number, and FastAPI-based ones send `{"detail": …}`.
    struct ErrorEnvelope: Decodable {
        var message: String?
        var type: String?
        var code: String?

        private enum CodingKeys: String, CodingKey {
            case error, detail, message
        }
        private enum ErrorKeys: String, CodingKey {
            case message, type, code
        }

        init(from decoder: any Decoder) throws {
            guard let envelope = Self(reportedIn: decoder) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no error field"))
            }
            self = envelope
        }

        /// The error an object reports, or `nil` when it has none of the error fields (a normal
        /// chunk), which is told from the keys alone.
        init?(reportedIn decoder: any Decoder) {
            guard let container = try? decoder.container(keyedBy: CodingKeys.self),
                container.contains(.error) || container.contains(.detail) || container.contains(.message)
            else { return nil }
            if let text = try? container.decode(String.self, forKey: .error) {
                message = text
            } else if let error = try? container.nestedContainer(keyedBy: ErrorKeys.self, forKey: .error) {
                message = try? error.decode(String.self, forKey: .message)
                type = try? error.decode(String.self, forKey: .type)
                code =
                    (try? error.decode(String.self, forKey: .code))
                    ?? (try? error.decode(Int.self, forKey: .code)).map(String.init)
            } else if let detail = try? container.decode(String.self, forKey: .detail) {
                message = detail
            } else if let text = try? container.decode(String.self, forKey: .message) {
                message = text
            } else {
                return nil
            }
        }
    }

    struct ModelList: Decodable {
        struct Model: Decodable {
            var id: String
            var created: Int?
            var ownedBy: String?
            enum CodingKeys: String, CodingKey {
                case id, created
                case ownedBy = "owned_by"
            }
        }
        var data: [Model]
    }

    static func requestBody(for request: CompletionRequest, model: String, stream: Bool) -> RequestBody {
        let options = request.options
        return RequestBody(
            model: model,
            messages: request.messages.map(RequestBody.Message.init),
            temperature: options.temperature,
            topP: options.topP,
            maxTokens: options.maxTokens,
            stop: options.stop?.isEmpty == true ? nil : options.stop,
            stream: stream,
            streamOptions: stream ? RequestBody.StreamOptions(includeUsage: true) : nil,
            tools: request.tools.isEmpty ? nil : request.tools.map(Tool.init),
            toolChoice: request.tools.isEmpty ? nil : request.toolChoice.map(ToolChoiceWire.init),
            parallelToolCalls: request.tools.isEmpty ? nil : request.parallelToolCalls,
            responseFormat: request.responseFormat.map(ResponseFormatWire.init)
        )
    }

    /// Reads a 2xx `chat.completion` into a `Completion`; a `null` content is empty text.
    static func completion(from body: ByteBuffer, requestedModel: String) throws(ProviderError) -> Completion {
        let decoded = try WireJSON.decode(
            ResponseBody.self, from: body,
            orFailWith: "the OpenAI-compatible server answered 200 with a body that is not a chat.completion")
        guard let choice = decoded.choices?.first else {
            throw ProviderError(
                kind: .invalidResponse, message: "the OpenAI-compatible server answered 200 without choices")
        }
        var completion = Completion(
            text: choice.message?.content ?? "",
            model: decoded.model.flatMap { $0.isEmpty ? nil : $0 } ?? requestedModel,
            finishReason: finishReason(choice.finishReason),
            usage: decoded.usage?.tokenUsage
        )
        completion.toolCalls = (choice.message?.toolCalls ?? []).map {
            ToolCall(
                id: $0.id ?? ToolCall.makeID(), name: $0.function?.name ?? "", arguments: $0.function?.arguments ?? "")
        }
        return completion
    }

    /// `length` → length, `content_filter` → content_filter, `tool_calls`/`function_call` →
    /// tool_calls, anything else (`stop`, absent, server-specific values) → stop.
    static func finishReason(_ value: String?) -> FinishReason {
        switch value {
        case "length": return .length
        case "content_filter": return .contentFilter
        case "tool_calls", "function_call": return .toolCalls
        default: return .stop
        }
    }

    /// Turns a non-2xx answer into a `ProviderError`: the message from the error body, the delay
    /// from `retry-after-ms` (milliseconds, what the OpenAI SDK reads first) or `retry-after`.
    /// Azure's content filter (protocols.md §5.2, `code: content_filter`) is named as such, so the
    /// failure a caller sees says why the prompt was refused.
    static func error(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) -> ProviderError {
        let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: body)
        var message = envelope?.message
        if envelope?.code == "content_filter" {
            message = "the content filter refused the prompt (content_filter): \(message ?? "no message")"
        }
        return .refusal(status: status, message: message, body: body, retryAfter: retryAfter(headers))
    }

    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        if let text = headers.first(name: "retry-after-ms"),
            let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)),
            milliseconds.isFinite, milliseconds >= 0
        {
            return .milliseconds(Int64(milliseconds.rounded(.up)))
        }
        return ProviderError.retryAfter(in: headers)
    }
}
