import Foundation
import Logging
import Persistence
import Synchronization

extension KeyLimiter {
    /// What one look at a key's slice decided.
    private enum LeaseStep {
        case admitted(window: Int64, reserved: Int)
        case refused(limit: String, window: LimitWindow)
        case wait(Task<LeaseFetch, Never>)
    }

    /// Admits one call of a key with per-minute limits from this replica's slice of its window,
    /// asking MongoDB for a new slice when this one is used up (one request in flight per key;
    /// the other calls wait for it) and ahead of time when it runs low.
    func admitFromLease(
        _ key: APIKeyRecord, reservingTokens: Bool, logger: Logger
    ) async throws -> LimitAdmission {
        let limits = key.limits
        let estimate = limits.tokensPerMinute != nil && reservingTokens ? tokenEstimate(keyId: key.id) : 0
        // One call's tokens: what it reserves (its estimate) and what a slice must hold for it
        // (at least one token, so a key whose calls are not known yet still stops at the limit).
        let minimumTokens = limits.tokensPerMinute != nil && reservingTokens ? max(estimate, 1) : 0
        var waited = false
        for _ in 0..<1000 {
            let instant = now()
            let window = LimitWindow(anchor: key.createdAt, length: windowLength, at: instant)
            let step = leases.withLock { leases -> LeaseStep in
                var lease =
                    leases[key.id].flatMap { $0.window == window.index ? $0 : nil }
                    ?? WindowLease(window: window.index, windowEnd: window.end, following: leases[key.id])
                defer { leases[key.id] = lease }
                if waited { lease.waiting -= 1 }
                if lease.limits != limits {
                    lease.limits = limits
                    lease.exhausted = nil
                }
                if lease.take(tokens: estimate, minimumTokens: minimumTokens) {
                    if lease.wantsRefill(limits: limits, minimumTokens: minimumTokens) {
                        lease.pending = requestSlice(
                            &lease, key: key, window: window, estimate: estimate, minimumTokens: minimumTokens,
                            demand: 0, replacing: false, logger: logger)
                    }
                    return .admitted(window: window.index, reserved: estimate)
                }
                if let limit = lease.isExhausted(at: instant) { return .refused(limit: limit, window: window) }
                // Every call waiting here takes one request of the next slice: ask for all of them.
                lease.waiting += 1
                let pending =
                    lease.pending
                    ?? requestSlice(
                        &lease, key: key, window: window, estimate: estimate, minimumTokens: minimumTokens,
                        demand: lease.waiting, replacing: true, logger: logger)
                lease.pending = pending
                return .wait(pending)
            }
            waited = false
            switch step {
            case .admitted(let window, let reserved):
                return LimitAdmission(
                    keyId: key.id, limits: limits, window: window, reservedTokens: reserved, limiter: self)
            case .refused(let limit, let window):
                throw refusal(limit, limits: limits, window: window, at: instant)
            case .wait(let pending):
                waited = true
                if case .failed(let error) = await pending.value {
                    leases.withLock { $0[key.id]?.waiting -= 1 }
                    throw limitsUnavailable(key, error, logger: logger)
                }
            }
        }
        if waited { leases.withLock { $0[key.id]?.waiting -= 1 } }
        // Every slice went to other calls of this replica a thousand times in a row (each round
        // admits someone, and a full window refuses everyone): a call must not loop for ever.
        throw limitsUnavailable(key, "no slice of the window could be reserved in 1000 tries", logger: logger)
    }

    private func refusal(_ limit: String, limits: KeyLimits, window: LimitWindow, at instant: Date) -> APIError {
        if limit == "tokensPerMinute" {
            return reject(
                limit, "\(limits.tokensPerMinute ?? 0) tokens per window", until: window.end, at: instant)
        }
        return reject(limit, "\(limits.requestsPerMinute ?? 0) requests per window", until: window.end, at: instant)
    }

    /// Starts the request for the next slice (called with `leases` locked, on `lease` as it will
    /// be stored). A call that found the slice unusable (`replacing`) hands all that is left of it
    /// back with the request — a request without tokens, or tokens too few for a call, would
    /// otherwise sit here while the window has no room for them elsewhere; a refill asked for
    /// ahead keeps the slice and hands back only the debt of answered calls. What is handed back
    /// comes back to the slice only when MongoDB could not be asked.
    private func requestSlice(
        _ lease: inout WindowLease, key: APIKeyRecord, window: LimitWindow, estimate: Int, minimumTokens: Int,
        demand: Int, replacing: Bool, logger: Logger
    ) -> Task<LeaseFetch, Never> {
        let slice = lease.nextSlice(
            limits: key.limits, estimate: estimate, minimumTokens: minimumTokens, demand: demand)
        let returned =
            replacing ? (requests: lease.requests, tokens: lease.tokens) : (requests: 0, tokens: min(lease.tokens, 0))
        lease.requests -= returned.requests
        lease.tokens -= returned.tokens
        let request = LimitCounterStore.LeaseRequest(
            keyId: key.id, window: window.index, windowStart: window.start,
            expiresAt: window.end.addingTimeInterval(windowLength / .seconds(1)),
            requestsLimit: key.limits.requestsPerMinute, tokensLimit: key.limits.tokensPerMinute,
            requests: slice.requests, tokens: slice.tokens, minimumTokens: minimumTokens,
            returnedRequests: returned.requests, returnedTokens: returned.tokens)
        return Task {
            do {
                let outcome = try await counters.lease(request)
                receive(outcome, for: request)
                return .answered
            } catch {
                leases.withLock { leases in
                    guard leases[request.keyId]?.window == request.window else { return }
                    leases[request.keyId]?.requests += request.returnedRequests
                    leases[request.keyId]?.tokens += request.returnedTokens
                    leases[request.keyId]?.pending = nil
                }
                logger.error(
                    "could not reserve a slice of a key's window",
                    metadata: ["error": "\(error)", "api_key_id": "\(request.keyId)"])
                return .failed("\(error)")
            }
        }
    }

    /// Adds a granted slice to the key's lease (or notes the window full). A slice for a window
    /// that has ended since is dropped: that window no longer limits anything.
    private func receive(_ outcome: MinuteWindowLease, for request: LimitCounterStore.LeaseRequest) {
        let instant = now()
        leases.withLock { leases in
            guard var lease = leases[request.keyId], lease.window == request.window else { return }
            defer { leases[request.keyId] = lease }
            lease.pending = nil
            switch outcome {
            case .granted(let requests, let tokens, let requestsLeft, let tokensLeft):
                // A slice used up within half its lifetime asks for a bigger one next time.
                if let granted = lease.grantedAt,
                    instant.timeIntervalSince(granted) < WindowLease.lifetime / .seconds(2)
                {
                    lease.sliceSize = min(lease.sliceSize * 2, 1 << 20)
                }
                lease.requests += requests
                lease.tokens += tokens
                lease.requestsLeft = requestsLeft
                lease.tokensLeft = tokensLeft
                lease.grantedAt = instant
                lease.exhausted = nil
            case .requestsExhausted:
                lease.exhausted = ("requestsPerMinute", instant)
            case .tokensExhausted:
                lease.exhausted = ("tokensPerMinute", instant)
            }
        }
    }

    /// Gives back every slice nobody used for `WindowLease.lifetime` (or every slice, at
    /// shutdown), adds pending token debts to their windows, and forgets ended windows.
    func returnIdleSlices(all: Bool = false, logger: Logger) async {
        let instant = now()
        let returns = leases.withLock { leases -> [(keyId: String, window: Int64, requests: Int, tokens: Int)] in
            var returns: [(keyId: String, window: Int64, requests: Int, tokens: Int)] = []
            for (keyId, lease) in leases {
                if lease.pending == nil, lease.waiting == 0, instant > lease.windowEnd {
                    leases[keyId] = nil
                    continue
                }
                guard lease.pending == nil, lease.requests != 0 || lease.tokens != 0 else { continue }
                guard
                    all
                        || lease.grantedAt.map({ instant.timeIntervalSince($0) >= WindowLease.lifetime / .seconds(1) })
                            ?? true
                else { continue }
                returns.append((keyId, lease.window, lease.requests, lease.tokens))
                leases[keyId]?.requests = 0
                leases[keyId]?.tokens = 0
                leases[keyId]?.grantedAt = nil
                if lease.requests > 0 { leases[keyId]?.sliceSize = max(1, lease.sliceSize / 2) }
            }
            return returns
        }
        for slice in returns {
            do {
                try await counters.returnUnused(
                    keyId: slice.keyId, window: slice.window, requests: slice.requests, tokens: slice.tokens)
            } catch {
                logger.warning(
                    "could not give back an unused slice of a key's window (it stays counted until the window ends)",
                    metadata: ["error": "\(error)", "api_key_id": "\(slice.keyId)"])
            }
        }
    }

    /// What the key used in its current window (for `GET /admin/keys`): the window's counters
    /// less this replica's unused slice; `nil` without per-minute limits. Other replicas' unused
    /// slices still count (they go back within `WindowLease.lifetime`).
    func currentUse(of key: APIKeyRecord) async throws(PersistenceError) -> (LimitWindow, MinuteWindowUse)? {
        guard key.limits.hasMinuteLimits else { return nil }
        let window = LimitWindow(anchor: key.createdAt, length: windowLength, at: now())
        let counted = try await counters.use(keyId: key.id, window: window.index)
        let held = leases.withLock { leases in
            leases[key.id].flatMap { $0.window == window.index ? ($0.requests, $0.tokens) : nil } ?? (0, 0)
        }
        return (window, MinuteWindowUse(requests: counted.requests - held.0, tokens: counted.tokens - held.1))
    }
}
