import Foundation
import Persistence

/// The UTC calendar day and month a budget counts spend in (SPEC §10 `budgetPerDay`,
/// `budgetPerMonth`), named so every replica addresses the same counter document.
struct BudgetPeriod: Sendable, Equatable {
    enum Kind: String, Sendable {
        case day, month
    }

    var kind: Kind
    /// `day:2026-12-01` or `month:2026-12`.
    var name: String
    var end: Date

    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!  // UTC always exists
        return calendar
    }()

    init(_ kind: Kind, containing instant: Date) {
        self.kind = kind
        let calendar = Self.utc
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        let year = parts.year ?? 1970
        let month = parts.month ?? 1
        let day = parts.day ?? 1
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        switch kind {
        case .day:
            name = "day:\(year)-\(two(month))-\(two(day))"
            let start = calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? instant
            end = calendar.date(byAdding: .day, value: 1, to: start) ?? instant
        case .month:
            name = "month:\(year)-\(two(month))"
            let start = calendar.date(from: DateComponents(year: year, month: month, day: 1)) ?? instant
            end = calendar.date(byAdding: .month, value: 1, to: start) ?? instant
        }
    }

    /// The counter document outlives its period by a day, for `GET /admin/keys` and late settlements.
    var counter: LimitCounterStore.SpendPeriod {
        LimitCounterStore.SpendPeriod(name: name, expiresAt: end.addingTimeInterval(86_400))
    }
}
