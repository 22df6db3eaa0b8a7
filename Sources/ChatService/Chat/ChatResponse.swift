import Foundation

/// The 200 body of `POST /v1/chat` (SPEC §3.1).
public struct ChatResponse: Codable, Sendable, Equatable {
    public var id: String
    public var userId: String
    public var prompt: String
    public var response: String
    public var model: String
    public var provider: String
    /// ISO 8601 UTC with milliseconds and `Z`.
    public var timestamp: String
    public var usage: Usage
    public var latencyMs: Int
    public var attempts: Int
    public var fallback: Bool

    /// Token counts of the answer.
    public struct Usage: Codable, Sendable, Equatable {
        public var promptTokens: Int
        public var completionTokens: Int
        public var totalTokens: Int
    }

    /// One provider attempt as reported in a 502/504 error body.
    public struct Attempt: Codable, Sendable, Equatable {
        public var provider: String
        public var model: String
        /// The HTTP status as a string (`"503"`), or `timeout`, `connect`, `invalid_response`, `cancelled`.
        public var status: String
        public var message: String?
        public var latencyMs: Int
    }
}
