import Foundation

/// The 200 body of `POST /v1/chat` (SPEC §3.1). Its keys are encoded in declaration order, which
/// is the order SPEC §3.1 shows: keep new fields where the SPEC puts them.
struct ChatResponse: Encodable, Sendable {
    var id: String
    var userId: String
    var prompt: String
    var response: String
    var model: String
    var provider: String
    /// ISO 8601 UTC with milliseconds and `Z`.
    var timestamp: String
    var usage: Usage
    /// What the call cost (SPEC §9); omitted when the model has no price.
    var cost: Cost?
    var latencyMs: Int
    var attempts: Int
    var fallback: Bool

    /// Token counts of the answer.
    struct Usage: Encodable, Sendable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int
    }

    /// The call's cost in `currency` (USD), as stored in the document's `cost`.
    struct Cost: Encodable, Sendable {
        var currency: String
        var input: Double
        var output: Double
        var total: Double
    }

    /// One provider attempt as reported in a 502/504 error body.
    struct Attempt: Encodable, Sendable {
        var provider: String
        var model: String
        /// The HTTP status as a string (`"503"`), or `timeout`, `connect`, `invalid_response`, `cancelled`.
        var status: String
        var message: String?
        var latencyMs: Int
    }
}
