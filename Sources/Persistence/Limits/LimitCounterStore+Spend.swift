import Foundation
import MongoDriver

extension LimitCounterStore {
    /// One spend counter: a key's USD total for one period (`day:2026-12-01`, `month:2026-12`).
    public struct SpendPeriod: Sendable, Equatable {
        /// The period's name, unique per key (`day:2026-12-01`).
        public var name: String
        /// When the counter may be deleted (after the period ended).
        public var expiresAt: Date

        public init(name: String, expiresAt: Date) {
            self.name = name
            self.expiresAt = expiresAt
        }
    }

    /// `_id` of a key's spend document for one period.
    public static func spendDocumentID(keyId: String, period: String) -> String { "spend:\(keyId):\(period)" }

    /// The USD spent by `keyId` in each of `periods` (0 for a period without a document), in order.
    public func spent(keyId: String, periods: [String]) async throws(PersistenceError) -> [Double] {
        let ids = periods.map { Self.spendDocumentID(keyId: keyId, period: $0) }
        let totals = try await database.perform(in: Self.collectionName) {
            collection throws(MongoError) -> [String: Double] in
            let among = BSONDocument()
            among.append("$in", stringArray: ids)
            let filter = BSONDocument()
            filter.append("_id", document: among)
            var totals: [String: Double] = [:]
            for document in try collection.find(filter: filter) {
                let fields = try document.decoded()
                if let id = fields["_id"]?.string { totals[id] = fields["cost"]?.double ?? 0 }
            }
            return totals
        }
        return ids.map { totals[$0] ?? 0 }
    }

    /// Adds `cost` USD to each of the key's `periods` (creating their documents as needed).
    public func spend(keyId: String, cost: Double, periods: [SpendPeriod]) async throws(PersistenceError) {
        guard cost != 0 else { return }
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            for period in periods {
                let filter = BSONDocument()
                filter.append("_id", string: Self.spendDocumentID(keyId: keyId, period: period.name))
                let increments = BSONDocument()
                increments.append("cost", double: cost)
                let onInsert = BSONDocument()
                onInsert.append("keyId", string: keyId)
                onInsert.append("expiresAt", date: period.expiresAt)
                let update = BSONDocument()
                update.append("$inc", document: increments)
                update.append("$setOnInsert", document: onInsert)
                _ = try collection.updateOne(filter: filter, update: update, upsert: true)
            }
        }
    }
}
