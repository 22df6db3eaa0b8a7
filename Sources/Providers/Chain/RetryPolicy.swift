/// How long to wait between attempts on the same provider (`RETRY_*` in the SPEC).
///
/// Full-jitter exponential backoff (the AWS architecture-blog variant): before retry `n`
/// (`n = 0` for the first retry) the delay is uniformly random in
/// `[0, min(maxDelay, baseDelay · 2ⁿ)]`, which spreads a burst of clients out instead of
/// having them retry in lock-step. A server hint (`ProviderError.retryAfter`) raises the delay
/// to at least the hint, still capped by `maxDelay`.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per provider, the first try included (`RETRY_MAX_ATTEMPTS`, at least 1).
    public var maxAttempts: Int
    /// `RETRY_BASE_DELAY_MS`.
    public var baseDelay: Duration
    /// `RETRY_MAX_DELAY_MS`; no single wait is longer.
    public var maxDelay: Duration

    public init(maxAttempts: Int, baseDelay: Duration, maxDelay: Duration) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        precondition(baseDelay >= .zero && maxDelay >= .zero, "delays must not be negative")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The SPEC defaults: 3 attempts, 200 ms base, 5 s cap.
    public static let `default` = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(200), maxDelay: .seconds(5))

    /// The upper bound of the jitter window before retry `retry` (0-based): `min(maxDelay, baseDelay · 2ⁿ)`.
    public func backoffCap(forRetry retry: Int) -> Duration {
        precondition(retry >= 0, "retry index must not be negative")
        // 2^62 ns is ~146 years; beyond that (or on overflow) the cap is maxDelay anyway.
        guard retry < 62 else { return maxDelay }
        let base = baseDelay.nanosecondsClamped
        let (scaled, overflow) = base.multipliedReportingOverflow(by: Int64(1) << retry)
        if overflow { return maxDelay }
        return min(maxDelay, .nanoseconds(scaled))
    }

    /// The wait before retry `retry` (0-based), drawing the jitter from `generator`.
    public func delay(
        forRetry retry: Int,
        serverHint: Duration? = nil,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let cap = backoffCap(forRetry: retry).nanosecondsClamped
        let jittered: Duration = cap > 0 ? .nanoseconds(Int64.random(in: 0...cap, using: &generator)) : .zero
        guard let serverHint, serverHint > jittered else { return jittered }
        return min(maxDelay, serverHint)
    }

    /// The wait before retry `retry` (0-based), using the system random number generator.
    public func delay(forRetry retry: Int, serverHint: Duration? = nil) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(forRetry: retry, serverHint: serverHint, using: &generator)
    }
}

extension Duration {
    /// The duration in nanoseconds, saturating at `Int64.max` (durations here are never negative).
    fileprivate var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (fromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? 0 : .max }
        let (total, overflow2) = fromSeconds.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return .max }
        return max(0, total)
    }
}
