/// Folds streamed chunks into the `Completion` they add up to, so the interaction log can store
/// the full text and final usage of a stream (or the partial text of one that broke off).
///
/// Rules: text deltas are concatenated; usage, finish reason and model are "latest non-`nil`
/// wins" (Gemini's usage is cumulative, OpenAI's comes in a trailing chunk, Ollama's on the
/// final line), so a chunk without usage never wipes earlier counts.
public struct CompletionAccumulator: Sendable, Equatable {
    public private(set) var text = ""
    public private(set) var finishReason: FinishReason?
    public private(set) var usage: TokenUsage?
    public private(set) var model: String?
    /// How many chunks were added.
    public private(set) var chunkCount = 0
    /// The tool calls so far, by index: id and name from the first piece that has them,
    /// argument text concatenated.
    public private(set) var toolCalls: [ToolCall] = []

    public init() {}

    public mutating func add(_ chunk: CompletionChunk) {
        text += chunk.textDelta
        if let reason = chunk.finishReason { finishReason = reason }
        if let usage = chunk.usage { self.usage = usage }
        if let model = chunk.model { self.model = model }
        for delta in chunk.toolCalls {
            while toolCalls.count <= delta.index { toolCalls.append(ToolCall(id: "", name: "", arguments: "")) }
            if let id = delta.id, toolCalls[delta.index].id.isEmpty { toolCalls[delta.index].id = id }
            if let name = delta.name, toolCalls[delta.index].name.isEmpty { toolCalls[delta.index].name = name }
            toolCalls[delta.index].arguments += delta.arguments
        }
        chunkCount += 1
    }

    /// The answer so far; `requestedModel` and `.stop` stand in for what no chunk reported.
    public func completion(requestedModel: String) -> Completion {
        var completion = Completion(
            text: text, model: model ?? requestedModel, finishReason: finishReason ?? .stop, usage: usage)
        completion.toolCalls = toolCalls
        return completion
    }
}
