import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

// The JSON shapes of protocols.md §1.2, §1.3 and §1.7, and the mapping to and from the
// provider-neutral types.
extension GeminiProvider {
    /// Gemini accepts at most this many `stopSequences`; extra ones are dropped (the first five win).
    static let maxStopSequences = 5

    struct RequestBody: Encodable, Equatable {
        var contents: [Content]
        var systemInstruction: Content?
        var generationConfig: GenerationConfig?
    }

    struct Content: Codable, Equatable {
        var role: String?
        var parts: [Part]?
    }

    struct Part: Codable, Equatable {
        var text: String?
        var thought: Bool?
    }

    struct GenerationConfig: Encodable, Equatable {
        var temperature: Double?
        var topP: Double?
        var maxOutputTokens: Int?
        var stopSequences: [String]?
    }

    struct ResponseBody: Decodable {
        struct Candidate: Decodable {
            var content: Content?
            var finishReason: String?
        }
        struct PromptFeedback: Decodable {
            var blockReason: String?
            var blockReasonMessage: String?
        }
        struct UsageMetadata: Decodable {
            var promptTokenCount: Int?
            var candidatesTokenCount: Int?
            var totalTokenCount: Int?
        }
        var candidates: [Candidate]?
        var promptFeedback: PromptFeedback?
        var usageMetadata: UsageMetadata?
        var modelVersion: String?
    }

    /// `google.rpc.Status` as JSON, wrapped in `{"error": …}`.
    struct ErrorEnvelope: Decodable {
        struct Status: Decodable {
            var code: Int?
            var message: String?
            var status: String?
            var details: [Detail]?
        }
        /// Any `details[]` entry; only the fields this gateway reads are decoded.
        struct Detail: Decodable {
            var type: String?
            var retryDelay: String?
            var reason: String?
            enum CodingKeys: String, CodingKey {
                case type = "@type"
                case retryDelay, reason
            }
        }
        var error: Status
    }

    /// Maps the neutral request onto Gemini's body: system messages become `systemInstruction`
    /// parts, `assistant` becomes `model`, options become `generationConfig`.
    static func requestBody(for request: CompletionRequest) -> RequestBody {
        var contents: [Content] = []
        var systemParts: [Part] = []
        for message in request.messages {
            switch message.role {
            case .system:
                systemParts.append(Part(text: message.content))
            case .user:
                contents.append(Content(role: "user", parts: [Part(text: message.content)]))
            case .assistant:
                contents.append(Content(role: "model", parts: [Part(text: message.content)]))
            }
        }
        let options = request.options
        var config = GenerationConfig(
            temperature: options.temperature,
            topP: options.topP,
            maxOutputTokens: options.maxTokens,
            stopSequences: options.stop.map { Array($0.prefix(maxStopSequences)) }
        )
        if config.stopSequences?.isEmpty == true { config.stopSequences = nil }
        return RequestBody(
            contents: contents,
            systemInstruction: systemParts.isEmpty ? nil : Content(role: nil, parts: systemParts),
            generationConfig: config == GenerationConfig() ? nil : config
        )
    }

    /// Reads a 2xx body into a `Completion`.
    static func completion(from body: ByteBuffer, requestedModel: String) throws(ProviderError) -> Completion {
        let decoded: ResponseBody
        do {
            decoded = try JSONDecoder().decode(ResponseBody.self, from: body)
        } catch {
            throw ProviderError(kind: .invalidResponse, message: "Gemini answered 200 with a body that is not a GenerateContentResponse")
        }
        let usage = decoded.usageMetadata.map { metadata in
            let prompt = metadata.promptTokenCount ?? 0
            let output = metadata.candidatesTokenCount ?? 0
            return TokenUsage(
                promptTokens: prompt,
                completionTokens: output,
                totalTokens: metadata.totalTokenCount ?? prompt + output
            )
        }
        let model = decoded.modelVersion ?? requestedModel
        guard let candidate = decoded.candidates?.first else {
            if decoded.promptFeedback?.blockReason != nil {
                return Completion(text: "", model: model, finishReason: .contentFilter, usage: usage)
            }
            throw ProviderError(kind: .invalidResponse, message: "Gemini answered 200 without candidates or promptFeedback")
        }
        let text = (candidate.content?.parts ?? [])
            .filter { $0.thought != true }
            .compactMap(\.text)
            .joined()
        return Completion(text: text, model: model, finishReason: finishReason(candidate.finishReason), usage: usage)
    }

    /// protocols.md §1.3: STOP → stop, MAX_TOKENS → length, the filter family → content_filter,
    /// everything else (tool-call problems, OTHER, unspecified, absent) → stop.
    static func finishReason(_ value: String?) -> FinishReason {
        switch value {
        case "MAX_TOKENS":
            return .length
        case "SAFETY", "RECITATION", "LANGUAGE", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII",
            "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION":
            return .contentFilter
        default:
            return .stop
        }
    }

    /// Turns a non-2xx answer into a `ProviderError`, reading the `google.rpc.Status` body (bare or
    /// in a one-element array) for the message and `RetryInfo`, and the `Retry-After` header.
    static func error(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) -> ProviderError {
        let rpcStatus = parseStatus(body)
        var message = rpcStatus?.message ?? ""
        if message.isEmpty {
            message = body.readableBytes > 0 ? String(String(buffer: body).prefix(500)) : status.reasonPhrase
        }
        let retryInfo = rpcStatus?.details?
            .first { $0.type?.hasSuffix("google.rpc.RetryInfo") == true }?
            .retryDelay
            .flatMap(ServerRetryHint.parseProtobufDuration)
        let header = headers.first(name: "retry-after").flatMap { ServerRetryHint.parseRetryAfter($0) }
        return ProviderError(kind: .http(status: Int(status.code)), message: message, retryAfter: retryInfo ?? header)
    }

    private static func parseStatus(_ body: ByteBuffer) -> ErrorEnvelope.Status? {
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(ErrorEnvelope.self, from: body) {
            return envelope.error
        }
        if let wrapped = try? decoder.decode([ErrorEnvelope].self, from: body), wrapped.count == 1 {
            return wrapped[0].error
        }
        return nil
    }
}
