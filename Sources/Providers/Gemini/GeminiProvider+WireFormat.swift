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
        var tools: [Tool]?
        var toolConfig: ToolConfig?
    }

    struct Content: Codable, Equatable {
        var role: String?
        var parts: [Part]?
    }

    struct Part: Codable, Equatable {
        var text: String?
        var thought: Bool?
        var inlineData: InlineData?
        var functionCall: FunctionCall?
        var functionResponse: FunctionResponse?
        /// Sits beside a `functionCall` (thinking models); Gemini 3 wants it back with the call.
        var thoughtSignature: String?
    }

    struct GenerationConfig: Encodable, Equatable {
        var temperature: Double?
        var topP: Double?
        var maxOutputTokens: Int?
        var stopSequences: [String]?
        var responseMimeType: String?
        var responseSchema: JSONValue?
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

            /// Absent counts are 0; an absent total is their sum.
            var tokenUsage: TokenUsage {
                TokenUsage(reportedPrompt: promptTokenCount, completion: candidatesTokenCount, total: totalTokenCount)
            }
        }
        var candidates: [Candidate]?
        var promptFeedback: PromptFeedback?
        var usageMetadata: UsageMetadata?
        var modelVersion: String?
        /// Set on a stream event that reports a failure after the head was sent
        /// (`data: {"error": …}`), so each event is decoded once.
        var error: ErrorEnvelope.Status?

        /// What this response says, whole or as one stream event: the text without thought
        /// parts, the finish reason (`.contentFilter` for a blocked prompt), usage and model.
        var answer: CompletionChunk {
            let usage = usageMetadata?.tokenUsage
            guard let candidate = candidates?.first else {
                // A blocked prompt: no candidates, only promptFeedback.
                let blocked = promptFeedback?.blockReason != nil
                return CompletionChunk(
                    textDelta: "", finishReason: blocked ? .contentFilter : nil, usage: usage, model: modelVersion)
            }
            let parts = candidate.content?.parts ?? []
            let text = parts.filter { $0.thought != true }.compactMap(\.text).joined()
            var chunk = CompletionChunk(
                textDelta: text,
                finishReason: candidate.finishReason.map { GeminiProvider.finishReason($0) },
                usage: usage,
                model: modelVersion
            )
            chunk.toolCalls = GeminiProvider.toolCallDeltas(in: parts)
            if !chunk.toolCalls.isEmpty, chunk.finishReason == .stop { chunk.finishReason = .toolCalls }
            return chunk
        }
    }

    /// Maps the neutral request onto Gemini's body: system messages become `systemInstruction`
    /// parts, `assistant` becomes `model`, options become `generationConfig`.
    /// Tools, tool results, images and JSON output are mapped in `GeminiProvider+Tools.swift`; a
    /// schema Gemini cannot take fails the attempt with a 400 (`unsupportedFeature` says so first).
    static func requestBody(for request: CompletionRequest) throws(ProviderError) -> RequestBody {
        let (contents, systemParts) = conversation(of: request.messages)
        let options = request.options
        var config = GenerationConfig(
            temperature: options.temperature,
            topP: options.topP,
            maxOutputTokens: options.maxTokens,
            stopSequences: options.stop.map { Array($0.prefix(maxStopSequences)) }
        )
        if config.stopSequences?.isEmpty == true { config.stopSequences = nil }
        try applyResponseFormat(request.responseFormat, to: &config)
        return RequestBody(
            contents: contents,
            systemInstruction: systemParts.isEmpty ? nil : Content(role: nil, parts: systemParts),
            generationConfig: config == GenerationConfig() ? nil : config,
            tools: try tools(for: request),
            toolConfig: toolConfig(for: request)
        )
    }

    /// Reads a 2xx body into a `Completion`.
    static func completion(from body: ByteBuffer, requestedModel: String) throws(ProviderError) -> Completion {
        let decoded = try WireJSON.decode(
            ResponseBody.self, from: body,
            orFailWith: "Gemini answered 200 with a body that is not a GenerateContentResponse")
        guard decoded.candidates?.first != nil || decoded.promptFeedback?.blockReason != nil else {
            throw ProviderError(
                kind: .invalidResponse, message: "Gemini answered 200 without candidates or promptFeedback")
        }
        let answer = decoded.answer
        var completion = Completion(
            text: answer.textDelta, model: answer.model ?? requestedModel, finishReason: answer.finishReason ?? .stop,
            usage: answer.usage)
        completion.toolCalls = answer.toolCalls.map {
            ToolCall(id: $0.id ?? ToolCall.makeID(), name: $0.name ?? "", arguments: $0.arguments)
        }
        return completion
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
}
