import Foundation
import MongoDriver

extension APIKeyStore {
    /// Replaces the key's `limits` (an empty value removes them); returns false when no key has that id.
    public func updateLimits(id: String, limits: KeyLimits) async throws(PersistenceError) -> Bool {
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) -> Bool in
            let filter = BSONDocument()
            filter.append("_id", string: id)
            let update = BSONDocument()
            if limits.isEmpty {
                let fields = BSONDocument()
                fields.append("limits", string: "")
                update.append("$unset", document: fields)
            } else {
                let fields = BSONDocument()
                fields.append("limits", document: Self.limitsDocument(limits))
                update.append("$set", document: fields)
            }
            return try collection.updateOne(filter: filter, update: update) > 0
        }
    }

    /// The key with `id`, revoked or not.
    public func find(id: String) async throws(PersistenceError) -> APIKeyRecord? {
        try await find { $0.append("_id", string: id) }.first
    }

    /// Every key the account `owner` (a `users` id) owns, revoked or not.
    public func find(owner: String) async throws(PersistenceError) -> [APIKeyRecord] {
        try await find { $0.append("owner", string: owner) }
    }

    /// `{requestsPerMinute: int64, tokensPerMinute: int64, budgetPerDay: double, budgetPerMonth: double}`,
    /// each only when set.
    static func limitsDocument(_ limits: KeyLimits) -> BSONDocument {
        let document = BSONDocument()
        if let value = limits.requestsPerMinute { document.append("requestsPerMinute", int64: Int64(value)) }
        if let value = limits.tokensPerMinute { document.append("tokensPerMinute", int64: Int64(value)) }
        if let value = limits.budgetPerDay { document.append("budgetPerDay", double: value) }
        if let value = limits.budgetPerMonth { document.append("budgetPerMonth", double: value) }
        return document
    }

    static func limits(from fields: BSONFields) -> KeyLimits {
        KeyLimits(
            requestsPerMinute: fields["requestsPerMinute"]?.integer,
            tokensPerMinute: fields["tokensPerMinute"]?.integer,
            budgetPerDay: fields["budgetPerDay"]?.double, budgetPerMonth: fields["budgetPerMonth"]?.double)
    }
}
