import Foundation
import Providers

/// The body of `POST /v1/chat/completions` and `POST /v1/completions` as the official `openai`
/// SDKs send it (protocols.md §3.1, §3.4), validated into provider-neutral values.
struct OpenAIChatRequest: Sendable {
    var model: String
    var messages: [ChatMessage]
    var options: GenerationOptions
    var stream: Bool
    var includeUsage: Bool
    var user: String?
    /// Tools, tool choice and response format (chat completions only).
    var features = Features()
    /// Images by message index, in order; http(s) ones are fetched before any provider is called.
    var images: [Int: [ImageSource]] = [:]

    /// The last user message: what `prompt` holds in the stored document.
    var lastUserMessage: String {
        messages.last { $0.role == .user }?.content ?? messages.last?.content ?? ""
    }
}

extension OpenAIChatRequest {
    /// Parses a chat-completions body; every rejection is a 400 naming the parameter.
    init(chatJSON body: some DataProtocol) throws(APIError) {
        let wire: RequestWire<ChatFieldsWire> = try Self.decode(body)
        let model = try OpenAIRequestFields.requiredModel(wire.fields.model)
        guard wire.fields.messages?.isEmpty == false else {
            throw .invalidRequest("messages must be a non-empty array", param: "messages")
        }
        // Messages, tools and formats are read from the body again with member order kept
        // (`OpenAIChatRequest+Messages`, `+Tools`).
        let json: JSONValue
        do throws(JSONValue.ParseError) {
            json = try JSONValue(parsing: body)
        } catch {
            throw .invalidRequest("the body is not valid JSON")
        }
        let (messages, images) = try Self.messages(from: json)
        let features = try Self.features(from: json)
        try self.init(model: model, messages: messages, options: try wire.shared.options(), shared: wire.shared)
        self.features = features
        self.images = images
    }

    /// Parses a legacy completions body (`prompt` must be one string).
    init(completionJSON body: some DataProtocol) throws(APIError) {
        let wire: RequestWire<CompletionFieldsWire> = try Self.decode(body)
        let model = try OpenAIRequestFields.requiredModel(wire.fields.model)
        guard let prompt = wire.fields.prompt else {
            throw .invalidRequest("prompt must be a string", param: "prompt")
        }
        var options = try wire.shared.options()
        if options.maxTokens == nil { options.maxTokens = 16 }  // the API's documented default
        try self.init(
            model: model, messages: [ChatMessage(role: .user, content: prompt)], options: options, shared: wire.shared)
    }

    /// The rest, the same for both shapes: `stream_options` needs `stream: true`; only one choice
    /// (`n = 1`) is generated.
    private init(
        model: String, messages: [ChatMessage], options: GenerationOptions, shared: SharedFieldsWire
    ) throws(APIError) {
        if shared.stream_options != nil, shared.stream != true {
            throw .invalidRequest("stream_options is only allowed when stream is true", param: "stream_options")
        }
        if let n = shared.n, n != 1 {
            throw .invalidRequest("only n = 1 is supported", param: "n")
        }
        self.init(
            model: model, messages: messages, options: options, stream: shared.stream ?? false,
            includeUsage: shared.stream_options?.include_usage ?? false, user: shared.user)
    }

    private static func decode<Wire: Decodable>(_ body: some DataProtocol) throws(APIError) -> Wire {
        do throws(JSONRequestBody.Failure) {
            return try JSONRequestBody.decode(from: body)
        } catch {
            switch error {
            case .wrongType(let path):
                throw .invalidRequest(
                    path.isEmpty ? "the body must be a JSON object" : "\(path) has the wrong type", param: path)
            case .invalidValue(let path):
                throw .invalidRequest("\(path) is invalid", param: path)
            case .notJSON:
                throw .invalidRequest("the body is not valid JSON")
            }
        }
    }
}

/// A field OpenAI lets be either a string or something richer (`stop`: string or list;
/// message `content`: string or list of parts).
private enum StringOr<Other: Decodable>: Decodable {
    case string(String)
    case other(Other)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .string(text)
        } else {
            self = .other(try container.decode(Other.self))
        }
    }
}

/// `stop`: a string or a list of strings.
private typealias StopWire = StringOr<[String]>

extension StringOr where Other == [String] {
    var values: [String] {
        switch self {
        case .string(let value): return [value]
        case .other(let values): return values
        }
    }
}

/// One request body: the fields of its shape (`model` and `messages` or `prompt`, decoded first,
/// so the first field at fault is reported as before) and the fields both shapes share, both read
/// from the same JSON object.
private struct RequestWire<Fields: Decodable>: Decodable {
    var fields: Fields
    var shared: SharedFieldsWire

    init(from decoder: any Decoder) throws {
        fields = try Fields(from: decoder)
        shared = try SharedFieldsWire(from: decoder)
    }
}

private struct ChatFieldsWire: Decodable {
    var model: String?
    var messages: [MessageWire]?
}

private struct CompletionFieldsWire: Decodable {
    var model: String?
    var prompt: String?
}

/// Sampling, streaming and bookkeeping fields, the same in both request shapes.
private struct SharedFieldsWire: Decodable {
    var temperature: Double?
    var top_p: Double?
    var max_tokens: Int?
    var max_completion_tokens: Int?
    var stop: StopWire?
    var stream: Bool?
    var stream_options: StreamOptionsWire?
    var user: String?
    var n: Int?

    func options() throws(APIError) -> GenerationOptions {
        if let temperature, !(0...2).contains(temperature) {
            throw .invalidRequest("temperature must be between 0 and 2", param: "temperature")
        }
        if let top_p, !(0...1).contains(top_p) {
            throw .invalidRequest("top_p must be between 0 and 1", param: "top_p")
        }
        let maxTokens = max_completion_tokens ?? max_tokens
        if let maxTokens, maxTokens < 1 {
            throw .invalidRequest(
                "max_completion_tokens must be at least 1",
                param: max_completion_tokens != nil ? "max_completion_tokens" : "max_tokens")
        }
        let stops = stop?.values
        if let stops, stops.count > 4 {
            throw .invalidRequest("stop takes at most 4 sequences", param: "stop")
        }
        return GenerationOptions(temperature: temperature, topP: top_p, maxTokens: maxTokens, stop: stops)
    }
}

private struct StreamOptionsWire: Decodable {
    var include_usage: Bool?
}

private struct MessageWire: Decodable {
    var role: String?
    var content: ContentWire?
}

/// Message `content`: a string or a list of typed parts.
private typealias ContentWire = StringOr<[PartWire]>

private struct PartWire: Decodable {
    var type: String?
    var text: String?
}
