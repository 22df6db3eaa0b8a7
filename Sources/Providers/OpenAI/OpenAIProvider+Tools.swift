// Tools, tool results, images and JSON output passed through to an OpenAI-compatible upstream in
// OpenAI's own shape (protocols.md §3.1): arguments stay a JSON string, images go as `data:` URLs.
extension OpenAIProvider {
    /// Message `content`: plain text, or parts when the turn has images.
    enum MessageContent: Encodable, Equatable {
        case text(String)
        case parts([ContentPart])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .parts(let parts): try container.encode(parts)
            }
        }
    }

    struct ContentPart: Encodable, Equatable {
        struct ImageURL: Encodable, Equatable {
            var url: String
            var detail: String?
        }
        var type: String
        var text: String?
        var imageURL: ImageURL?
        enum CodingKeys: String, CodingKey {
            case type, text
            case imageURL = "image_url"
        }
    }

    /// A call in a request (`id`, `type`, `function{name, arguments}`) or in an answer; streamed
    /// deltas add `index` and leave out what an earlier piece said.
    struct ToolCallWire: Codable, Equatable {
        struct Function: Codable, Equatable {
            var name: String?
            var arguments: String?
        }
        var index: Int?
        var id: String?
        var type: String?
        var function: Function?
    }

    struct Tool: Encodable, Equatable {
        struct Function: Encodable, Equatable {
            var name: String
            var description: String?
            var parameters: JSONValue?
            var strict: Bool?
        }
        var type = "function"
        var function: Function

        init(_ tool: ToolDefinition) {
            function = Function(
                name: tool.name, description: tool.description, parameters: tool.parameters, strict: tool.strict)
        }
    }

    /// `"auto"`, `"none"`, `"required"` or `{"type": "function", "function": {"name": …}}`.
    struct ToolChoiceWire: Encodable, Equatable {
        var choice: ToolChoice

        init(_ choice: ToolChoice) {
            self.choice = choice
        }

        private enum CodingKeys: String, CodingKey { case type, function }
        private enum FunctionKeys: String, CodingKey { case name }

        func encode(to encoder: any Encoder) throws {
            switch choice {
            case .auto, .none, .required:
                var container = encoder.singleValueContainer()
                try container.encode(choice.label)
            case .function(let name):
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode("function", forKey: .type)
                var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
                try function.encode(name, forKey: .name)
            }
        }
    }

    /// `{"type": "json_object"}` or `{"type": "json_schema", "json_schema": {name, schema, strict}}`.
    struct ResponseFormatWire: Encodable, Equatable {
        struct JSONSchema: Encodable, Equatable {
            var name: String
            var schema: JSONValue
            var strict: Bool
        }
        var type: String
        var jsonSchema: JSONSchema?
        enum CodingKeys: String, CodingKey {
            case type
            case jsonSchema = "json_schema"
        }

        init(_ format: ResponseFormat) {
            type = format.type
            if case .jsonSchema(let name, let schema, let strict) = format {
                jsonSchema = JSONSchema(name: name, schema: schema, strict: strict)
            }
        }
    }
}

extension OpenAIProvider.RequestBody.Message {
    /// A neutral message in OpenAI's shape: images as `data:` URL parts after the text, an
    /// assistant turn of calls only with `content: null`.
    init(_ message: ChatMessage) {
        role = message.role.rawValue
        if !message.images.isEmpty {
            var parts: [OpenAIProvider.ContentPart] = []
            if !message.content.isEmpty { parts.append(.init(type: "text", text: message.content)) }
            parts += message.images.map {
                .init(type: "image_url", imageURL: .init(url: $0.dataURL, detail: $0.detail))
            }
            content = .parts(parts)
        } else if message.role == .assistant, !message.toolCalls.isEmpty, message.content.isEmpty {
            content = nil
        } else {
            content = .text(message.content)
        }
        if !message.toolCalls.isEmpty {
            toolCalls = message.toolCalls.map {
                OpenAIProvider.ToolCallWire(
                    id: $0.id, type: "function", function: .init(name: $0.name, arguments: $0.arguments))
            }
        }
        toolCallId = message.toolCallId
    }
}
