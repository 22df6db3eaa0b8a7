import Foundation

/// Response bodies of the OpenAI-compatible routes, shaped as protocols.md §3 and the official
/// SDKs expect them (required keys present, `null` where the schema says nullable).
enum OpenAIWire {
    struct Usage: Encodable {
        var prompt_tokens: Int
        var completion_tokens: Int
        var total_tokens: Int
    }

    struct ChatCompletion: Encodable {
        var id: String
        var object = "chat.completion"
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage
        var system_fingerprint = "fp_chat_service"

        struct Choice: Encodable {
            var index = 0
            var message: Message
            var finish_reason: String

            enum CodingKeys: String, CodingKey { case index, message, logprobs, finish_reason }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(index, forKey: .index)
                try container.encode(message, forKey: .message)
                try container.encodeNil(forKey: .logprobs)
                try container.encode(finish_reason, forKey: .finish_reason)
            }
        }

        struct Message: Encodable {
            var role = "assistant"
            var content: String

            enum CodingKeys: String, CodingKey { case role, content, refusal }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(role, forKey: .role)
                try container.encode(content, forKey: .content)
                try container.encodeNil(forKey: .refusal)
            }
        }
    }

    struct TextCompletion: Encodable {
        var id: String
        var object = "text_completion"
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage?

        struct Choice: Encodable, Sendable {
            var text: String
            var index = 0
            var finish_reason: String?

            enum CodingKeys: String, CodingKey { case text, index, logprobs, finish_reason }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(text, forKey: .text)
                try container.encode(index, forKey: .index)
                try container.encodeNil(forKey: .logprobs)
                if let finish_reason {
                    try container.encode(finish_reason, forKey: .finish_reason)
                } else {
                    try container.encodeNil(forKey: .finish_reason)
                }
            }
        }
    }

    struct ModelList: Encodable {
        var object = "list"
        var data: [Model]
    }

    struct Model: Encodable {
        var id: String
        var object = "model"
        var created: Int
        var owned_by: String
    }

    /// `{"error": {"message", "type", "param", "code"}}`: all four keys, `null` when unknown.
    struct ErrorBody: Encodable {
        var error: Detail

        struct Detail: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?

            enum CodingKeys: String, CodingKey { case message, type, param, code }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(message, forKey: .message)
                try container.encode(type, forKey: .type)
                if let param { try container.encode(param, forKey: .param) } else { try container.encodeNil(forKey: .param) }
                if let code { try container.encode(code, forKey: .code) } else { try container.encodeNil(forKey: .code) }
            }
        }
    }
}
