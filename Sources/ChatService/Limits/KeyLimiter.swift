import Foundation
import HTTPTypes
import Logging
import Persistence
import Synchronization

/// Enforces each client key's `limits` (SPEC §10) on every client route, with counters in
/// MongoDB so the sum over all replicas holds.
///
/// Admission (before any provider is called): the budgets' day and month spend are read, then one
/// atomic conditional `$inc` counts the request in the key's current window and reserves the
/// tokens the key's calls have been using lately (learned per key on this replica). Settlement
/// (when the answer is known, from `InteractionRecorder`): the window's tokens are corrected to
/// the real total and the cost is added to the day and month. A key without limits costs nothing.
/// When MongoDB cannot be asked, a limited key is refused (503): a limit that cannot be checked
/// is not silently lifted.
final class KeyLimiter: Sendable {
    let counters: LimitCounterStore
    /// The length of a "minute" window: 60 s, shorter only in tests (`RATE_LIMIT_WINDOW_SECONDS`).
    let windowLength: Duration
    let metrics: ServiceMetrics
    let now: @Sendable () -> Date
    /// Per key: the tokens its recent calls used (a moving average), reserved at admission.
    private let tokenEstimates = Mutex<[String: Int]>([:])
    private let indexesCreated = Mutex(false)

    init(
        counters: LimitCounterStore, windowLength: Duration, metrics: ServiceMetrics,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.counters = counters
        self.windowLength = windowLength
        self.metrics = metrics
        self.now = now
    }

    /// Counts one call of `key` or throws the 429 (with `Retry-After`) of the first limit it would
    /// pass; `nil` when the key has no limits. `reservingTokens` is false for reads (`GET`), which
    /// count as requests but use no tokens.
    func admit(_ key: APIKeyRecord, reservingTokens: Bool, logger: Logger) async throws(APIError) -> LimitAdmission? {
        let limits = key.limits
        guard !limits.isEmpty else { return nil }
        await createIndexesOnce(logger: logger)
        let instant = now()
        do {
            try await checkBudgets(key, at: instant)
            guard limits.hasMinuteLimits else {
                return LimitAdmission(keyId: key.id, limits: limits, window: nil, reservedTokens: 0, limiter: self)
            }
            let window = LimitWindow(anchor: key.createdAt, length: windowLength, at: instant)
            let reserve = limits.tokensPerMinute == nil || !reservingTokens ? 0 : tokenEstimate(keyId: key.id)
            let take = try await counters.take(
                keyId: key.id, window: window.index, windowStart: window.start,
                expiresAt: window.end.addingTimeInterval(windowLength / .seconds(1)),
                requestsLimit: limits.requestsPerMinute, tokensLimit: limits.tokensPerMinute, reserve: reserve)
            switch take {
            case .admitted:
                return LimitAdmission(
                    keyId: key.id, limits: limits, window: window.index,
                    reservedTokens: min(reserve, limits.tokensPerMinute ?? reserve), limiter: self)
            case .requestsExhausted:
                throw reject(
                    "requestsPerMinute", "\(limits.requestsPerMinute ?? 0) requests per window", until: window.end,
                    at: instant)
            case .tokensExhausted:
                throw reject(
                    "tokensPerMinute", "\(limits.tokensPerMinute ?? 0) tokens per window", until: window.end,
                    at: instant)
            }
        } catch let error as APIError {
            throw error
        } catch {
            logger.error("could not check a key's limits", metadata: ["error": "\(error)", "api_key_id": "\(key.id)"])
            throw APIError(
                status: .serviceUnavailable, code: "limits_unavailable",
                message: "the key's rate limits cannot be checked right now (MongoDB unavailable); retry later",
                retryAfter: .seconds(2))
        }
    }

    /// Throws the 429 of a budget already spent in the current UTC day or month.
    private func checkBudgets(_ key: APIKeyRecord, at instant: Date) async throws {
        let limits = key.limits
        guard limits.hasBudgets else { return }
        let day = BudgetPeriod(.day, containing: instant)
        let month = BudgetPeriod(.month, containing: instant)
        let spent = try await counters.spent(keyId: key.id, periods: [day.name, month.name])
        if let budget = limits.budgetPerDay, spent[0] >= budget {
            throw reject("budgetPerDay", "a budget of \(budget) USD per UTC day", until: day.end, at: instant)
        }
        if let budget = limits.budgetPerMonth, spent[1] >= budget {
            throw reject("budgetPerMonth", "a budget of \(budget) USD per UTC month", until: month.end, at: instant)
        }
    }

    private func reject(_ limit: String, _ description: String, until end: Date, at instant: Date) -> APIError {
        metrics.recordLimitRejection(limit: limit)
        let wait = max(1, end.timeIntervalSince(instant))
        return APIError(
            status: .tooManyRequests, code: "rate_limit_exceeded",
            message: "the key's \(limit) limit (\(description)) is reached; retry after \(Int(wait.rounded(.up))) s",
            retryAfter: .milliseconds(Int64((wait * 1000).rounded(.up))))
    }

    /// Corrects the admission's window to the call's real tokens and adds its cost to the budgets.
    func settle(_ admission: LimitAdmission, tokens: Int, cost: Double, logger: Logger) async {
        if admission.limits.tokensPerMinute != nil { learn(keyId: admission.keyId, tokens: tokens) }
        do {
            if let window = admission.window, admission.limits.tokensPerMinute != nil {
                try await counters.adjustTokens(
                    keyId: admission.keyId, window: window, by: tokens - admission.reservedTokens)
            }
            if admission.limits.hasBudgets, cost > 0 {
                let instant = now()
                try await counters.spend(
                    keyId: admission.keyId, cost: cost,
                    periods: [
                        BudgetPeriod(.day, containing: instant).counter,
                        BudgetPeriod(.month, containing: instant).counter,
                    ])
            }
        } catch {
            logger.error(
                "could not count a call against its key's limits",
                metadata: ["error": "\(error)", "api_key_id": "\(admission.keyId)"])
        }
    }

    /// What the key used in its current window (for `GET /admin/keys`); `nil` without per-minute limits.
    func currentUse(of key: APIKeyRecord) async throws(PersistenceError) -> (LimitWindow, MinuteWindowUse)? {
        guard key.limits.hasMinuteLimits else { return nil }
        let window = LimitWindow(anchor: key.createdAt, length: windowLength, at: now())
        return (window, try await counters.use(keyId: key.id, window: window.index))
    }

    func tokenEstimate(keyId: String) -> Int {
        tokenEstimates.withLock { $0[keyId] ?? 0 }
    }

    /// A moving average (weight 1/4 for the newest call), so the reservation follows the key's calls.
    private func learn(keyId: String, tokens: Int) {
        tokenEstimates.withLock { estimates in
            if estimates.count > 100_000 { estimates.removeAll(keepingCapacity: true) }
            let previous = estimates[keyId]
            estimates[keyId] = previous.map { ($0 * 3 + tokens + 2) / 4 } ?? tokens
        }
    }

    private func createIndexesOnce(logger: Logger) async {
        guard !indexesCreated.withLock({ $0 }) else { return }
        do {
            try await counters.createIndexes()
            indexesCreated.withLock { $0 = true }
        } catch {
            logger.warning("could not create the limits collection's TTL index", metadata: ["error": "\(error)"])
        }
    }
}
