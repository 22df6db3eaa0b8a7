/// SSE chunk bodies of the streaming OpenAI routes (protocols.md §3.3, §3.4).
extension OpenAIWire {
    /// One `chat.completion.chunk`. With `include_usage`, every chunk carries `"usage": null`
    /// except the last one, whose `choices` is empty.
    struct ChatChunk: Encodable {
        var id: String
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage?
        var includeUsageKey: Bool

        struct Choice: Encodable {
            var delta: Delta
            var finishReason: String?

            enum CodingKeys: String, CodingKey { case index, delta, finish_reason }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(0, forKey: .index)
                try container.encode(delta, forKey: .delta)
                if let finishReason { try container.encode(finishReason, forKey: .finish_reason) } else {
                    try container.encodeNil(forKey: .finish_reason)
                }
            }
        }

        struct Delta: Encodable {
            var role: String?
            var content: String?
        }

        enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode("chat.completion.chunk", forKey: .object)
            try container.encode(created, forKey: .created)
            try container.encode(model, forKey: .model)
            try container.encode(choices, forKey: .choices)
            if let usage { try container.encode(usage, forKey: .usage) } else if includeUsageKey {
                try container.encodeNil(forKey: .usage)
            }
        }
    }

    /// One streamed `text_completion` chunk of the legacy route.
    struct TextChunk: Encodable {
        var id: String
        var created: Int
        var model: String
        var choices: [TextCompletion.Choice]
        var usage: Usage?
        var includeUsageKey: Bool

        enum CodingKeys: String, CodingKey { case id, object, created, model, choices, usage }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode("text_completion", forKey: .object)
            try container.encode(created, forKey: .created)
            try container.encode(model, forKey: .model)
            try container.encode(choices, forKey: .choices)
            if let usage { try container.encode(usage, forKey: .usage) } else if includeUsageKey {
                try container.encodeNil(forKey: .usage)
            }
        }
    }
}
