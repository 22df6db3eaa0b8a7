/// Why one attempt against one provider failed, with what retry needs to know.
///
/// Every provider turns its own error bodies (protocols.md: Gemini's `google.rpc.Status`,
/// Ollama's `{"error": "..."}`, OpenAI's `{"error": {...}}`) and transport failures into this
/// one type, so `ProviderChain` decides retry-or-fall-back in one place.
public struct ProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: Sendable, Equatable {
        /// The provider answered with a non-2xx HTTP status.
        case http(status: Int)
        /// No complete answer within the attempt's timeout.
        case timeout
        /// Could not connect, or the connection dropped before a complete answer.
        case connect
        /// A 2xx whose body is not what the protocol says (bad JSON, missing fields).
        case invalidResponse
        /// The caller went away or the request was cancelled.
        case cancelled
    }

    public var kind: Kind
    /// A human sentence; for HTTP errors, the provider's own message when it sent one.
    public var message: String
    /// How long the provider asked us to wait (`Retry-After` header or Gemini `RetryInfo`).
    public var retryAfter: Duration?

    public init(kind: Kind, message: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    /// Connect errors, timeouts, 408, 429, 500, 502, 503 and 504 are worth another try on the same
    /// provider; anything else (400, 401, 403, 404, bad bodies, cancellation) is not.
    public var isRetryable: Bool {
        switch kind {
        case .timeout, .connect: return true
        case .http(let status): return [408, 429, 500, 502, 503, 504].contains(status)
        case .invalidResponse, .cancelled: return false
        }
    }

    public var description: String {
        switch kind {
        case .http(let status): return "HTTP \(status): \(message)"
        case .timeout: return "timeout: \(message)"
        case .connect: return "connect: \(message)"
        case .invalidResponse: return "invalid response: \(message)"
        case .cancelled: return "cancelled: \(message)"
        }
    }
}
