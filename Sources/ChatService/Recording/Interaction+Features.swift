import Crypto
import Foundation
import Persistence
import Providers

extension Interaction {
    /// Adds what issue 15 stores with a chat call: each message's tool calls and the id of the
    /// call a tool message answers, the answer's `toolCalls`, every input image's type, size and
    /// SHA-256 (never the bytes), the offered tools and the response format. A locally estimated
    /// usage counts the calls' names and arguments as completion tokens, as providers do.
    mutating func addFeatures(of call: CallRecord, completion: Completion?) {
        if let messages = call.messages {
            self.messages = messages.map(InteractionMessage.init)
            let images = messages.flatMap(\.images)
            if !images.isEmpty { inputImages = images.map(InteractionImage.init) }
        }
        features = call.features
        guard let completion, !completion.toolCalls.isEmpty else { return }
        let calls = completion.toolCalls.prefix(call.features?.parallelToolCalls == false ? 1 : Int.max)
        toolCalls = calls.map { InteractionToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) }
        if usage.estimated {
            let callText = calls.map { $0.name + $0.arguments }.joined()
            let extra = Int32(clamping: TokenEstimate.tokens(in: callText))
            usage.completionTokens += extra
            usage.totalTokens += extra
        }
    }
}

extension InteractionMessage {
    init(_ message: ChatMessage) {
        self.init(role: message.role.rawValue, content: message.content)
        if !message.toolCalls.isEmpty {
            toolCalls = message.toolCalls.map { InteractionToolCall(id: $0.id, name: $0.name, arguments: $0.arguments) }
        }
        toolCallId = message.toolCallId
    }
}

extension InteractionImage {
    init(_ image: ImageInput) {
        self.init(
            mimeType: image.mimeType, bytes: Int32(clamping: image.data.count),
            sha256: SHA256.hash(data: image.data).map { String(format: "%02x", $0) }.joined())
    }
}

extension InteractionFeatures {
    /// What the parsed request asked for; `nil` when it asked for nothing beyond text.
    init?(_ features: OpenAIChatRequest.Features) {
        var schemaName: String?
        var schemaStrict: Bool?
        var schema: String?
        if case .jsonSchema(let name, let value, let strict)? = features.responseFormat {
            schemaName = name
            schemaStrict = strict
            schema = value.serialized
        }
        self.init(
            tools: features.tools.map(\.name), toolChoice: features.toolChoice?.label,
            parallelToolCalls: features.parallelToolCalls,
            responseFormat: features.responseFormat.flatMap { $0 == .text ? nil : $0.type }, schemaName: schemaName,
            schemaStrict: schemaStrict, schema: schema)
        if isEmpty { return nil }
    }
}
