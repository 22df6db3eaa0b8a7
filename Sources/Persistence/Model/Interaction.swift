import Foundation

/// One call through the gateway as analysts see it: the `interactions` document of SPEC §4.
///
/// The HTTP layer fills it in; persistence turns it into BSON (dates as BSON dates, counts as
/// int32) and makes it durable. It carries no behaviour, so every write path (MongoDB, the spool)
/// stores exactly the same thing.
public struct Interaction: Sendable, Equatable {
    public var id: String
    public var userId: String
    public var route: String
    public var prompt: String
    /// The full message list for chat completions; `nil` (field omitted) for `/v1/chat`.
    public var messages: [InteractionMessage]?
    public var response: String
    public var status: InteractionStatus
    /// Set when `status` is `.error`.
    public var error: InteractionError?
    public var provider: String
    public var model: String
    public var requestedAt: Date
    public var timestamp: Date
    public var latencyMs: Int32
    public var attempts: [InteractionAttempt]
    public var fallback: Bool
    public var usage: InteractionUsage
    /// The call's price (SPEC §9); `nil` (field omitted) when its model has no price.
    public var cost: InteractionCost?
    public var stream: Bool
    public var apiKeyId: String?
    public var requestId: String
    /// The W3C trace id (32 hex digits) of the call: the caller's `traceparent`, or the request
    /// span's when traces are exported; `nil` (omitted) otherwise. Joins a document to its trace.
    public var traceId: String? = nil
    /// Route-specific facts (embeddings: count and dimensions; images: n, size, quality); `nil`
    /// (field omitted) for chat routes.
    public var extra: InteractionExtra? = nil
    /// The answer's tool calls (SPEC §4 `toolCalls`); `nil` (omitted) when there are none.
    public var toolCalls: [InteractionToolCall]? = nil
    /// Each input image's type, size and SHA-256 (SPEC §4 `inputImages`), never the bytes.
    public var inputImages: [InteractionImage]? = nil
    /// The tools offered and the response format asked for (issue 15); `nil` for plain text.
    public var features: InteractionFeatures? = nil

    public init(
        id: String, userId: String, route: String, prompt: String, messages: [InteractionMessage]? = nil,
        response: String, status: InteractionStatus, error: InteractionError? = nil,
        provider: String, model: String, requestedAt: Date, timestamp: Date, latencyMs: Int32,
        attempts: [InteractionAttempt], fallback: Bool, usage: InteractionUsage, cost: InteractionCost? = nil,
        stream: Bool, apiKeyId: String? = nil, requestId: String
    ) {
        self.id = id
        self.userId = userId
        self.route = route
        self.prompt = prompt
        self.messages = messages
        self.response = response
        self.status = status
        self.error = error
        self.provider = provider
        self.model = model
        self.requestedAt = requestedAt
        self.timestamp = timestamp
        self.latencyMs = latencyMs
        self.attempts = attempts
        self.fallback = fallback
        self.usage = usage
        self.cost = cost
        self.stream = stream
        self.apiKeyId = apiKeyId
        self.requestId = requestId
    }
}

/// Whether the caller got an answer (`ok`) or a 502/504 (`error`).
public enum InteractionStatus: String, Sendable, Equatable {
    case ok
    case error
}

/// Why a stored interaction failed: a stable machine code and a human sentence.
public struct InteractionError: Sendable, Equatable {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}

/// One chat message of a chat-completions call, as stored in `messages`.
public struct InteractionMessage: Sendable, Equatable {
    public var role: String
    public var content: String
    /// An assistant turn's calls; `nil` (omitted) when it made none.
    public var toolCalls: [InteractionToolCall]? = nil
    /// A `tool` turn: the id of the call it answers.
    public var toolCallId: String? = nil
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }
}

/// One try against one provider, so analysts can see retries and fallbacks.
public struct InteractionAttempt: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var status: AttemptStatus
    public var error: String?
    public var latencyMs: Int32
    public init(provider: String, model: String, status: AttemptStatus, error: String? = nil, latencyMs: Int32) {
        self.provider = provider
        self.model = model
        self.status = status
        self.error = error
        self.latencyMs = latencyMs
    }
}

/// How one attempt ended: an HTTP status (stored as int32) or a transport outcome stored as a
/// string (`"timeout"`, `"connect"`, `"invalid_response"`, `"cancelled"`), as SPEC §4 says.
public enum AttemptStatus: Sendable, Equatable {
    case http(Int)
    case transport(String)
}

/// Token counts (int32 in BSON). `estimated` is stored only when true.
public struct InteractionUsage: Sendable, Equatable {
    public var promptTokens: Int32
    public var completionTokens: Int32
    public var totalTokens: Int32
    public var estimated: Bool
    public init(promptTokens: Int32, completionTokens: Int32, totalTokens: Int32, estimated: Bool = false) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.estimated = estimated
    }
    public static let zero = InteractionUsage(promptTokens: 0, completionTokens: 0, totalTokens: 0)
}
