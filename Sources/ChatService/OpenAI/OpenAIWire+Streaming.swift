/// SSE chunk bodies of the streaming OpenAI routes (protocols.md §3.3, §3.4).
extension OpenAIWire {
    /// A choice that can appear in a streamed chunk; its type decides the chunk's `object`.
    protocol StreamChoice: Encodable, Sendable {
        static var chunkObject: String { get }
    }

    /// One streamed chunk: `chat.completion.chunk` or `text_completion`, by its choice type.
    /// With `include_usage`, every chunk carries `"usage": null` except the last one, whose
    /// `choices` is empty.
    struct StreamChunk<Choice: StreamChoice>: Encodable, Sendable {
        var id: String
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage?
        var includeUsageKey: Bool

        enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(Choice.chunkObject, forKey: .object)
            try container.encode(created, forKey: .created)
            try container.encode(model, forKey: .model)
            try container.encode(choices, forKey: .choices)
            if let usage {
                try container.encode(usage, forKey: .usage)
            } else if includeUsageKey {
                try container.encodeNil(forKey: .usage)
            }
        }
    }

    typealias ChatChunk = StreamChunk<ChatChunkChoice>
    typealias TextChunk = StreamChunk<TextCompletion.Choice>

    /// A chat chunk's choice: a delta and, on the last one, the finish reason (`null` before).
    struct ChatChunkChoice: StreamChoice {
        static let chunkObject = "chat.completion.chunk"

        var index = 0
        var delta: Delta
        @EncodedAsNull var finish_reason: String?

        struct Delta: Encodable, Sendable {
            var role: String?
            var content: String?
            var tool_calls: [ToolCallDelta]?
        }

        /// One piece of a streamed call: `index` always; `id`, `type` and `function.name` on its
        /// first piece; `function.arguments` fragments after.
        struct ToolCallDelta: Encodable, Sendable {
            var index: Int
            var id: String?
            var type: String?
            var function: Function

            struct Function: Encodable, Sendable {
                var name: String?
                var arguments: String?
            }
        }
    }
}

extension OpenAIWire.TextCompletion.Choice: OpenAIWire.StreamChoice {
    static var chunkObject: String { "text_completion" }
}
