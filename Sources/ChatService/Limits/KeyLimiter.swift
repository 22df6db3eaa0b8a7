import Foundation
import HTTPTypes
import Logging
import Persistence
import Synchronization

/// Enforces each client key's `limits` (SPEC §10) on every client route, with counters in
/// MongoDB so the sum over all replicas holds.
///
/// Per-minute limits are leased (`WindowLease`): a replica reserves a slice of the key's window
/// in MongoDB with one atomic conditional `$inc` and admits calls from it in memory, so the
/// window's document always counts at least every call any replica admitted and N replicas
/// together never admit more than the limit; unused slices go back within a second
/// (`LimitLeaseService`). Budgets compare against a short-lived local copy of the key's day and
/// month spend (`KeyLimiter+Budgets`). Settlement (when the answer is known, from
/// `InteractionRecorder`) corrects the slice's tokens in memory and adds the cost to MongoDB.
/// A key without limits costs nothing. When MongoDB cannot be asked, a limited key is refused
/// (503): a limit that cannot be checked is not silently lifted.
final class KeyLimiter: Sendable {
    let counters: LimitCounterStore
    /// The length of a "minute" window: 60 s, shorter only in tests (`RATE_LIMIT_WINDOW_SECONDS`).
    let windowLength: Duration
    let metrics: ServiceMetrics
    let now: @Sendable () -> Date
    /// Per key: the tokens its recent calls used (a moving average), reserved at admission.
    private let tokenEstimates = Mutex<[String: Int]>([:])
    /// Per key: this replica's slice of its current window.
    let leases = Mutex<[String: WindowLease]>([:])
    /// Per key: the day's and month's spend as last read, plus what this replica added since.
    let spendCopies = Mutex<[String: SpendCopy]>([:])
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
        do {
            try await checkBudgets(key, at: now())
            guard limits.hasMinuteLimits else {
                return LimitAdmission(keyId: key.id, limits: limits, window: nil, reservedTokens: 0, limiter: self)
            }
            return try await admitFromLease(key, reservingTokens: reservingTokens, logger: logger)
        } catch let error as APIError {
            throw error
        } catch {
            throw limitsUnavailable(key, "\(error)", logger: logger)
        }
    }

    func limitsUnavailable(_ key: APIKeyRecord, _ error: String, logger: Logger) -> APIError {
        logger.error("could not check a key's limits", metadata: ["error": "\(error)", "api_key_id": "\(key.id)"])
        return APIError(
            status: .serviceUnavailable, code: "limits_unavailable",
            message: "the key's rate limits cannot be checked right now (MongoDB unavailable); retry later",
            retryAfter: .seconds(2))
    }

    func reject(_ limit: String, _ description: String, until end: Date, at instant: Date) -> APIError {
        metrics.recordLimitRejection(limit: limit)
        let wait = max(1, end.timeIntervalSince(instant))
        return APIError(
            status: .tooManyRequests, code: "rate_limit_exceeded",
            message: "the key's \(limit) limit (\(description)) is reached; retry after \(Int(wait.rounded(.up))) s",
            retryAfter: .milliseconds(Int64((wait * 1000).rounded(.up))))
    }

    /// Counts an answered call: its real tokens against the slice it was admitted from (in
    /// memory), and its cost against the budgets (in MongoDB, by the returned task, which the
    /// caller awaits once the call's own document is written, so the two overlap).
    func settle(_ admission: LimitAdmission, tokens: Int, cost: Double, logger: Logger) -> Task<Void, Never>? {
        if admission.limits.tokensPerMinute != nil, let window = admission.window {
            learn(keyId: admission.keyId, tokens: tokens)
            leases.withLock { leases in
                guard leases[admission.keyId]?.window == window else { return }
                leases[admission.keyId]?.tokens += admission.reservedTokens - tokens
            }
        }
        guard admission.limits.hasBudgets, cost > 0 else { return nil }
        return spend(cost, keyId: admission.keyId, logger: logger)
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
