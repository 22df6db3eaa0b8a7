/// Why no provider produced an answer, with every attempt, so the HTTP layer can answer 502/504
/// and the interaction log can record what was tried.
public struct ChainFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The reason the chain stopped.
    public enum Reason: Sendable, Equatable {
        /// Every provider the route allowed was tried and failed (SPEC: 502).
        case allProvidersFailed
        /// `REQUEST_TIMEOUT_MS` ran out across retries and fallbacks (SPEC: 504).
        case deadlineExceeded
        /// The calling task was cancelled (the client went away).
        case cancelled
    }

    public var reason: Reason
    /// Every attempt, in order; empty if none could be made (e.g. the deadline had already passed).
    public var attempts: [ProviderAttempt]
    /// The provider of the last attempt (or the first hop if there was none).
    public var provider: ProviderName
    /// The model of the last attempt (or the first hop's if there was none).
    public var model: String
    /// One sentence listing each attempt: provider, status, message.
    public var message: String
    /// The longest delay any provider asked for, for a `Retry-After` on the gateway's own error.
    public var retryAfter: Duration?

    public init(
        reason: Reason,
        attempts: [ProviderAttempt],
        provider: ProviderName,
        model: String,
        message: String,
        retryAfter: Duration?
    ) {
        self.reason = reason
        self.attempts = attempts
        self.provider = provider
        self.model = model
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}
