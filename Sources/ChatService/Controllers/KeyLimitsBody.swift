import Persistence

/// The `limits` object of `POST /admin/keys`, `PATCH /admin/keys/{id}` and `GET /admin/keys`
/// (SPEC §10): `{"requestsPerMinute"?, "tokensPerMinute"?, "budgetPerDay"?, "budgetPerMonth"?}`,
/// budgets in USD.
struct KeyLimitsBody: Codable, Sendable, Equatable {
    var requestsPerMinute: Int?
    var tokensPerMinute: Int?
    var budgetPerDay: Double?
    var budgetPerMonth: Double?

    init(_ limits: KeyLimits) {
        requestsPerMinute = limits.requestsPerMinute
        tokensPerMinute = limits.tokensPerMinute
        budgetPerDay = limits.budgetPerDay
        budgetPerMonth = limits.budgetPerMonth
    }

    /// The limits, or a 400 naming the first bad value.
    func validated() throws(APIError) -> KeyLimits {
        for (name, value) in [("requestsPerMinute", requestsPerMinute), ("tokensPerMinute", tokensPerMinute)] {
            if let value, value < 1 || value > 1_000_000_000 {
                throw .invalidRequest("limits.\(name) must be a whole number from 1 to 1000000000")
            }
        }
        for (name, value) in [("budgetPerDay", budgetPerDay), ("budgetPerMonth", budgetPerMonth)] {
            if let value, !(value >= 0 && value <= 1e9) {
                throw .invalidRequest("limits.\(name) must be a number of USD from 0 to 1000000000")
            }
        }
        return KeyLimits(
            requestsPerMinute: requestsPerMinute, tokensPerMinute: tokensPerMinute, budgetPerDay: budgetPerDay,
            budgetPerMonth: budgetPerMonth)
    }
}
