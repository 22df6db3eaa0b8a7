import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

// The JSON shapes of protocols.md §2.2, §2.3 and §2.6, and the mapping to and from the
// provider-neutral types.
extension OllamaProvider {
    struct RequestBody: Encodable, Equatable {
        var model: String
        var messages: [Message]
        var stream: Bool
        var options: Options?
        var tools: [Tool]?
        /// `"json"` or a JSON Schema object.
        var format: JSONValue?
    }

    struct Message: Codable, Equatable {
        var role: String
        var content: String?
        /// Base64 images (user turns).
        var images: [String]?
        var toolCalls: [ToolCallWire]?
        /// A `tool` turn: the function whose result this is.
        var toolName: String?
        enum CodingKeys: String, CodingKey {
            case role, content, images
            case toolCalls = "tool_calls"
            case toolName = "tool_name"
        }
    }

    struct Options: Encodable, Equatable {
        var temperature: Double?
        var topP: Double?
        var numPredict: Int?
        var stop: [String]?
        enum CodingKeys: String, CodingKey {
            case temperature
            case topP = "top_p"
            case numPredict = "num_predict"
            case stop
        }
    }

    struct ResponseBody: Decodable, Equatable {
        var model: String?
        var message: Message?
        var done: Bool?
        var doneReason: String?
        var promptEvalCount: Int?
        var evalCount: Int?
        var error: String?
        enum CodingKeys: String, CodingKey {
            case model, message, done, error
            case doneReason = "done_reason"
            case promptEvalCount = "prompt_eval_count"
            case evalCount = "eval_count"
        }

        /// The counts of a final line or whole answer; Ollama omits zeros, so absent is 0.
        var tokenUsage: TokenUsage {
            TokenUsage(reportedPrompt: promptEvalCount, completion: evalCount)
        }

        /// `done_reason: "length"` is `.length`; anything else (`stop`, `load`, absent) is `.stop`.
        var finishReason: FinishReason {
            doneReason == "length" ? .length : .stop
        }
    }

    static func requestBody(for request: CompletionRequest, model: String) -> RequestBody {
        let options = request.options
        let mapped = Options(
            temperature: options.temperature,
            topP: options.topP,
            numPredict: options.maxTokens,
            stop: options.stop?.isEmpty == true ? nil : options.stop
        )
        return RequestBody(
            model: model,
            messages: messages(of: request.messages),
            stream: false,
            options: mapped == Options() ? nil : mapped,
            tools: tools(for: request),
            format: format(for: request.responseFormat)
        )
    }

    /// Reads a 2xx body into a `Completion`. Missing token counts are 0 (Ollama omits zeros).
    static func completion(from body: ByteBuffer, requestedModel: String) throws(ProviderError) -> Completion {
        let decoded: ResponseBody
        do {
            decoded = try ResponseBody(reading: body)
        } catch {
            throw ProviderError(
                kind: .invalidResponse, message: "Ollama answered 200 with a body that is not a chat response")
        }
        if let error = decoded.error {
            throw ProviderError(kind: .invalidResponse, message: error)
        }
        guard let message = decoded.message, message.content != nil || message.toolCalls != nil else {
            throw ProviderError(kind: .invalidResponse, message: "Ollama answered 200 without message.content")
        }
        var completion = Completion(
            text: message.content ?? "", model: decoded.model ?? requestedModel, finishReason: decoded.finishReason,
            usage: decoded.tokenUsage)
        completion.toolCalls = toolCallDeltas(in: message, startingAt: 0).map {
            ToolCall(id: $0.id ?? ToolCall.makeID(), name: $0.name ?? "", arguments: $0.arguments)
        }
        if !completion.toolCalls.isEmpty, completion.finishReason == .stop { completion.finishReason = .toolCalls }
        return completion
    }

    /// Turns a non-2xx answer into a `ProviderError`; the body is `{"error": "text"}`.
    static func error(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) -> ProviderError {
        let reported = (try? JSONDecoder().decode(ResponseBody.self, from: body))?.error
        return .refusal(
            status: status, message: reported, body: body, retryAfter: ProviderError.retryAfter(in: headers))
    }
}
