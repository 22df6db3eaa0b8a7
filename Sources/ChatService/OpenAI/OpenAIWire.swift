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
            @EncodedAsNull var logprobs: String? = nil
            var finish_reason: String
        }

        /// `content` is `null` when the answer is tool calls only; `tool_calls` is left out
        /// when there are none, as OpenAI does.
        struct Message: Encodable {
            var role = "assistant"
            @EncodedAsNull var content: String?
            @EncodedAsNull var refusal: String? = nil
            var tool_calls: [ToolCall]? = nil
        }

        struct ToolCall: Encodable {
            var id: String
            var type = "function"
            var function: Function

            struct Function: Encodable {
                var name: String
                var arguments: String
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
            @EncodedAsNull var logprobs: String? = nil
            @EncodedAsNull var finish_reason: String?
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
            @EncodedAsNull var param: String?
            @EncodedAsNull var code: String?
        }
    }
}
