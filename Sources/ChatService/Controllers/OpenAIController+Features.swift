import HTTPTypes
import Logging
import Providers

// Tools, JSON output and images on `/v1/chat/completions` (issue 15): the neutral request built
// from the parsed body, image URLs fetched, the first provider asked whether it can serve it.
extension OpenAIController {
    /// The request for the chain: messages (with their images in hand), options, tools, tool
    /// choice and response format. Fails with a 400 in OpenAI's shape when an image cannot be
    /// used or the chosen provider cannot serve a feature (naming the field and the provider);
    /// nothing has been stored then.
    func completionRequest(
        for openAI: OpenAIChatRequest, route: ProviderRoute, logger: Logger
    ) async throws(APIError) -> CompletionRequest {
        var messages = openAI.messages
        if !openAI.images.isEmpty {
            guard let imageFetcher else {
                throw .invalidRequest("image inputs are not enabled on this gateway", param: "messages")
            }
            try await imageFetcher.resolve(openAI.images, into: &messages, logger: logger)
        }
        var request = CompletionRequest(messages: messages, options: openAI.options)
        request.tools = openAI.features.tools
        request.toolChoice = openAI.features.toolChoice
        request.parallelToolCalls = openAI.features.parallelToolCalls
        request.responseFormat = openAI.features.responseFormat
        if let feature = await calls.chain.unsupportedFeature(of: request, route: route, logger: logger) {
            throw APIError(unsupported: feature)
        }
        return request
    }
}

extension APIError {
    /// 400 `unsupported_feature`, `param` the field: "tools is not supported by provider ollama
    /// for model llama3.2: the model's capabilities (completion) do not include tools".
    init(unsupported feature: UnsupportedFeature) {
        self.init(status: .badRequest, code: "unsupported_feature", message: feature.description)
        param = feature.field
    }
}

extension OpenAIWire.ChatCompletion.Message {
    /// The answer's message: its text (`null` when it is only tool calls) and its calls (the
    /// first one only when the caller set `parallel_tool_calls: false` and the provider, which
    /// has no such switch, made several).
    init(completion: Completion, parallelToolCalls: Bool?) {
        let calls = completion.toolCalls.prefix(parallelToolCalls == false ? 1 : Int.max)
        self.init(
            content: completion.text.isEmpty && !calls.isEmpty ? nil : completion.text,
            tool_calls: calls.isEmpty
                ? nil
                : calls.map { .init(id: $0.id, function: .init(name: $0.name, arguments: $0.arguments)) })
    }
}

/// Turns streamed tool-call pieces into `delta.tool_calls` chunks as OpenAI streams them: a
/// call's `index`, `id`, `type` and name first (with empty arguments), then its argument text.
/// Providers that deliver whole calls (Gemini, Ollama) thus stream like OpenAI does.
struct ToolCallStreamFrames: Sendable {
    let id: String
    let created: Int
    let model: String
    let includeUsage: Bool
    /// `parallel_tool_calls: false`: pieces of calls after the first are not sent.
    let firstCallOnly: Bool

    func chunks(for deltas: [ToolCallDelta]) -> [OpenAIWire.ChatChunk] {
        var chunks: [OpenAIWire.ChatChunk] = []
        for delta in deltas where !(firstCallOnly && delta.index > 0) {
            if delta.id != nil || delta.name != nil {
                chunks.append(
                    chunk(
                        .init(
                            index: delta.index, id: delta.id, type: "function",
                            function: .init(name: delta.name, arguments: ""))))
                if !delta.arguments.isEmpty {
                    chunks.append(chunk(.init(index: delta.index, function: .init(arguments: delta.arguments))))
                }
            } else if !delta.arguments.isEmpty {
                chunks.append(chunk(.init(index: delta.index, function: .init(arguments: delta.arguments))))
            }
        }
        return chunks
    }

    private func chunk(_ call: OpenAIWire.ChatChunkChoice.ToolCallDelta) -> OpenAIWire.ChatChunk {
        OpenAIWire.ChatChunk(
            id: id, created: created, model: model,
            choices: [OpenAIWire.ChatChunkChoice(delta: .init(tool_calls: [call]), finish_reason: nil)], usage: nil,
            includeUsageKey: includeUsage)
    }
}

extension ChainResult {
    /// The answer, when the chain produced one.
    var completion: Completion? {
        if case .success(let success) = self { return success.completion }
        return nil
    }
}
