import Logging
import Persistence
import Synchronization

/// One call a limited key was admitted for: which per-minute window counted it and how many
/// tokens it reserved there, so the answer's real tokens and cost can be settled against the
/// same counters exactly once.
///
/// It travels from `APIKeyAuthenticator` to `InteractionRecorder` as a task-local value
/// (`LimitAdmission.current`), set around the route and around the writing of a streamed body,
/// so every route that records an interaction settles it without passing it by hand.
final class LimitAdmission: Sendable {
    @TaskLocal static var current: LimitAdmission?

    let keyId: String
    let limits: KeyLimits
    /// The per-minute window that counted the call (`nil` when the key has no per-minute limit).
    let window: Int64?
    /// Tokens reserved in that window at admission.
    let reservedTokens: Int
    private let limiter: KeyLimiter
    private let settled = Mutex(false)

    init(keyId: String, limits: KeyLimits, window: Int64?, reservedTokens: Int, limiter: KeyLimiter) {
        self.keyId = keyId
        self.limits = limits
        self.window = window
        self.reservedTokens = reservedTokens
        self.limiter = limiter
    }

    /// Counts the call's real tokens and cost against the key's window and budgets (once; a
    /// second call does nothing). The tokens count at once, in memory; the cost goes to MongoDB
    /// in the returned task, which the caller awaits after writing the call's document so the two
    /// round trips overlap. Never fails: a counter that cannot be updated is logged.
    func settle(tokens: Int, cost: Double, logger: Logger) -> Task<Void, Never>? {
        let first = settled.withLock { settled in
            defer { settled = true }
            return !settled
        }
        guard first else { return nil }
        return limiter.settle(self, tokens: tokens, cost: cost, logger: logger)
    }
}
