import Foundation

/// A filter and grouping for token-usage totals over `interactions` (`GET /v1/usage`).
public struct UsageQuery: Sendable, Equatable {
    /// How rows are broken down; `nil` gives one row of totals.
    public enum Grouping: String, Sendable, Equatable, CaseIterable {
        case model
        case day
        case provider
        /// By client key (`apiKeyId`); calls made without a key are grouped under `""`.
        case key
    }

    public var userId: String?
    /// Only interactions made with this client key (a client key sees only its own traffic).
    public var apiKeyId: String?
    /// Only interactions made with one of these keys (an account's keys, `GET /user/usage`).
    public var apiKeyIds: [String]?
    /// Inclusive lower bound on `timestamp`.
    public var from: Date?
    /// Exclusive upper bound on `timestamp`.
    public var to: Date?
    public var groupBy: Grouping?

    public init(
        userId: String? = nil, apiKeyId: String? = nil, from: Date? = nil, to: Date? = nil, groupBy: Grouping? = nil
    ) {
        self.userId = userId
        self.apiKeyId = apiKeyId
        self.from = from
        self.to = to
        self.groupBy = groupBy
    }
}

/// Totals for one group of interactions (or for all of them).
public struct UsageTotals: Sendable, Equatable {
    /// The group's key (a model, a `YYYY-MM-DD` UTC day, a provider); `nil` for the overall total.
    public var key: String?
    public var requests: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    public var errors: Int
    /// The sum of the calls' `cost.total` (USD); unpriced calls add nothing.
    public var cost: Double

    public init(
        key: String?, requests: Int, promptTokens: Int, completionTokens: Int, totalTokens: Int, errors: Int,
        cost: Double = 0
    ) {
        self.key = key
        self.requests = requests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens
        self.errors = errors
        self.cost = cost
    }

    public static func zero(key: String?) -> UsageTotals {
        UsageTotals(key: key, requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0, errors: 0)
    }
}
