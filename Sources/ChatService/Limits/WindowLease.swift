import Foundation
import Persistence

/// This replica's slice of one key's per-minute window: the requests and tokens it reserved in
/// MongoDB and has not used yet, and how big its next slice should be.
///
/// It exists so a limited key's call is admitted from memory, not with a round trip to MongoDB:
/// the window's document counts every slice granted to every replica, so the calls admitted
/// from slices can never pass the limit, whatever the number of replicas. The price is that a
/// slice held by one replica is unusable by the others until it is used or given back (after
/// `WindowLease.lifetime`); slices are therefore small, and shrink as the window fills.
struct WindowLease: Sendable {
    /// How long a replica may keep a slice it does not use before giving it back.
    static let lifetime: Duration = .seconds(1)
    /// How long a replica that found the window full refuses without asking again (other
    /// replicas may give slices back).
    static let exhaustedRecheck: Duration = .milliseconds(250)

    /// The window this slice belongs to, and when it ends.
    let window: Int64
    let windowEnd: Date
    /// Requests reserved and not admitted yet.
    var requests = 0
    /// Tokens reserved and not used yet; negative when answered calls used more than they
    /// reserved (a debt, added to the window's tokens with the next slice or the give-back).
    var tokens = 0
    /// When the last slice arrived: a slice unused for `lifetime` goes back to the window.
    var grantedAt: Date?
    /// The next slice, in requests: doubles while slices run out within half their lifetime,
    /// halves when one goes back unused.
    var sliceSize = 1
    /// What the window held for every replica after the last grant (`nil`: not limited).
    var requestsLeft: Int?
    var tokensLeft: Int?
    /// The window had no room for one more call, as of this instant; set until `exhaustedRecheck`
    /// or until the key's limits change (a `PATCH` that raises a reached limit acts at once).
    var exhausted: (limit: String, at: Date)?
    /// The key's limits when `exhausted` was set.
    var limits: KeyLimits?
    /// The request for a slice in flight; callers that find the slice empty wait for it.
    var pending: Task<LeaseFetch, Never>?
    /// Calls of this key on this replica waiting for a slice: each will take one request of it,
    /// so the next slice asks for at least that many.
    var waiting = 0

    init(window: Int64, windowEnd: Date, sliceSize: Int) {
        self.window = window
        self.windowEnd = windowEnd
        self.sliceSize = sliceSize
    }

    /// The lease of a new window: empty, with half the previous window's slice size and the
    /// calls still waiting.
    init(window: Int64, windowEnd: Date, following previous: WindowLease?) {
        self.init(window: window, windowEnd: windowEnd, sliceSize: previous.map { max(1, $0.sliceSize / 2) } ?? 1)
        waiting = previous?.waiting ?? 0
    }

    /// Takes one call's request and `tokens` from the slice when it holds them (and at least
    /// `minimumTokens`).
    mutating func take(tokens needed: Int, minimumTokens: Int) -> Bool {
        guard requests >= 1, tokens >= minimumTokens else { return false }
        requests -= 1
        tokens -= needed
        return true
    }

    /// True while the window is known to be full (a recent request found no room).
    func isExhausted(at instant: Date) -> String? {
        guard let exhausted, instant.timeIntervalSince(exhausted.at) < Self.exhaustedRecheck / .seconds(1) else {
            return nil
        }
        return exhausted.limit
    }

    /// The next slice to ask for: a request for each of the `demand` calls waiting for it, or
    /// when more, `sliceSize` requests, never more than a quarter of the limit or a 64th of what
    /// the window has left: a slice beyond the calls waiting is a guess at the calls to come, and
    /// a replica that goes quiet sits on it (until it goes back after `lifetime`), so guesses are
    /// made only while the window is far from full. Tokens: that many calls of `estimate` tokens,
    /// never below one call's `minimumTokens` (none when the call needs none).
    func nextSlice(
        limits: KeyLimits, estimate: Int, minimumTokens: Int, demand: Int
    ) -> (requests: Int, tokens: Int) {
        var guess = sliceSize
        if let limit = limits.requestsPerMinute {
            guess = min(guess, limit / 4, (requestsLeft ?? 0) / 64)
        }
        let perCall = max(estimate, 1)
        if let limit = limits.tokensPerMinute, minimumTokens > 0 {
            guess = min(guess, limit / 4 / perCall, (tokensLeft ?? 0) / 64 / perCall)
        }
        let requests = max(demand, guess, 1)
        guard limits.tokensPerMinute != nil, minimumTokens > 0 else { return (requests, 0) }
        return (requests, max(minimumTokens, requests * perCall))
    }

    /// True when the slice is running low while the window is far from full: ask for the next
    /// one before a call has to wait for it.
    func wantsRefill(limits: KeyLimits, minimumTokens: Int) -> Bool {
        guard pending == nil, exhausted == nil, requests * 4 <= sliceSize else { return false }
        guard let left = requestsLeft ?? tokensLeft.map({ $0 / max(minimumTokens, 1) }) else { return false }
        if let tokensLeft, limits.tokensPerMinute != nil, tokensLeft / max(minimumTokens, 1) < sliceSize * 64 {
            return false
        }
        return left >= sliceSize * 64
    }
}

/// How a request for a slice ended, for the calls waiting on it.
enum LeaseFetch: Sendable {
    /// Granted, or the window is full (recorded in the slice's state either way): look again.
    case answered
    /// MongoDB could not be asked.
    case failed(String)
}
