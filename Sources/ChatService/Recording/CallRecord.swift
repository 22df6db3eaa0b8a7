import Foundation
import Persistence
import Providers

/// What the HTTP layer knows about one call before any provider answers: everything of the
/// SPEC §4 document that does not come from the provider chain.
struct CallRecord: Sendable {
    /// The interaction id, generated before any I/O; it is the document's `_id`.
    var id: String
    var route: String
    var userId: String
    /// The prompt, or for chat completions the last user message.
    var prompt: String
    /// The whole conversation for chat completions; `nil` for `/v1/chat` and `/v1/completions`.
    var messages: [ChatMessage]?
    var requestedAt: Date
    var started: ContinuousClock.Instant
    var requestID: String
    /// The W3C trace id stored as the document's `traceId` (`TraceIDMiddleware`).
    var traceID: String? = nil
    var apiKeyId: String?
    var stream: Bool
    /// The provider and model tried first, for the document of a call that never reached one.
    var firstProvider: ProviderName
    var firstModel: String
    /// Tools, tool choice and response format of a chat completion (issue 15); `nil` otherwise.
    var features: InteractionFeatures? = nil
}
