import Foundation
import Logging
import Persistence
import Synchronization

/// One key's spend in the current UTC day and month as this replica last read it from MongoDB,
/// plus what this replica's own calls added since.
///
/// It exists so a call of a key with a budget is not a MongoDB read: the copy is read at most
/// once per `lifetime` per key, and a copy already over budget needs no read at all (spend only
/// grows within a period). Another replica's spend shows here within `lifetime`, which bounds
/// how far the replicas together can pass a budget; this replica's own spend shows at once.
struct SpendCopy: Sendable {
    static let lifetime: Duration = .seconds(1)

    var day: BudgetPeriod
    var month: BudgetPeriod
    var daySpent: Double
    var monthSpent: Double
    var readAt: Date
}

extension KeyLimiter {
    /// Throws the 429 of a budget already spent in the current UTC day or month.
    func checkBudgets(_ key: APIKeyRecord, at instant: Date) async throws {
        let limits = key.limits
        guard limits.hasBudgets else { return }
        let day = BudgetPeriod(.day, containing: instant)
        let month = BudgetPeriod(.month, containing: instant)
        var copy = spendCopies.withLock { copies in
            copies[key.id].flatMap { $0.day == day && $0.month == month ? $0 : nil }
        }
        let fresh = copy.map { instant.timeIntervalSince($0.readAt) < SpendCopy.lifetime / .seconds(1) } ?? false
        if !fresh, !(copy.map { isOverBudget(limits, $0) } ?? false) {
            let spent = try await counters.spent(keyId: key.id, periods: [day.name, month.name])
            let read = SpendCopy(day: day, month: month, daySpent: spent[0], monthSpent: spent[1], readAt: instant)
            spendCopies.withLock { copies in
                if copies.count > 100_000 { copies.removeAll(keepingCapacity: true) }
                copies[key.id] = read
            }
            copy = read
        }
        guard let copy else { return }
        if let budget = limits.budgetPerDay, copy.daySpent >= budget {
            throw reject("budgetPerDay", "a budget of \(budget) USD per UTC day", until: day.end, at: instant)
        }
        if let budget = limits.budgetPerMonth, copy.monthSpent >= budget {
            throw reject("budgetPerMonth", "a budget of \(budget) USD per UTC month", until: month.end, at: instant)
        }
    }

    private func isOverBudget(_ limits: KeyLimits, _ copy: SpendCopy) -> Bool {
        if let budget = limits.budgetPerDay, copy.daySpent >= budget { return true }
        if let budget = limits.budgetPerMonth, copy.monthSpent >= budget { return true }
        return false
    }

    /// Adds `cost` to this replica's copy at once and to MongoDB's day and month counters in the
    /// returned task (logged, never thrown, when MongoDB cannot take it).
    func spend(_ cost: Double, keyId: String, logger: Logger) -> Task<Void, Never> {
        let instant = now()
        let day = BudgetPeriod(.day, containing: instant)
        let month = BudgetPeriod(.month, containing: instant)
        spendCopies.withLock { copies in
            guard var copy = copies[keyId], copy.day == day, copy.month == month else { return }
            copy.daySpent += cost
            copy.monthSpent += cost
            copies[keyId] = copy
        }
        return Task {
            do {
                try await counters.spend(keyId: keyId, cost: cost, periods: [day.counter, month.counter])
            } catch {
                logger.error(
                    "could not count a call's cost against its key's budgets",
                    metadata: ["error": "\(error)", "api_key_id": "\(keyId)"])
            }
        }
    }
}
