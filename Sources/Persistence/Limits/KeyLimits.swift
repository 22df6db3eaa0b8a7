/// The limits an operator sets on one client key (SPEC §10): requests and tokens per minute,
/// and USD budgets per UTC day and per UTC month. A `nil` limit is no limit.
///
/// It exists as one value so the key store, the admin routes and the limiter agree on what a
/// key may spend; it is stored inside the key's `api_keys` document as `limits`.
public struct KeyLimits: Sendable, Equatable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// USD per UTC calendar day.
    public var budgetPerDay: Double?
    /// USD per UTC calendar month.
    public var budgetPerMonth: Double?

    public init(
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, budgetPerDay: Double? = nil,
        budgetPerMonth: Double? = nil
    ) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.budgetPerDay = budgetPerDay
        self.budgetPerMonth = budgetPerMonth
    }

    /// True when no limit is set: the limiter skips the key entirely (no database round trip).
    public var isEmpty: Bool {
        requestsPerMinute == nil && tokensPerMinute == nil && budgetPerDay == nil && budgetPerMonth == nil
    }

    /// True when a per-minute limit is set (the one counter document per window).
    public var hasMinuteLimits: Bool { requestsPerMinute != nil || tokensPerMinute != nil }

    /// True when a budget is set (the day and month spend documents).
    public var hasBudgets: Bool { budgetPerDay != nil || budgetPerMonth != nil }
}
