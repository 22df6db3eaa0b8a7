import Foundation
import MongoDriver

/// The `limits` collection: the counters behind per-key rate limits and budgets and the
/// per-username failed-login count, shared by every replica (SPEC §6, §10).
///
/// A replica reserves a slice of a window with one atomic compare-and-increment on the server (a
/// conditional `$inc` with upsert, `LimitCounterStore+Leases`), so the slices of N replicas
/// together never pass the limit. Each document carries
/// `expiresAt` and a TTL index removes it once its window is over. It knows counters and windows
/// by number only; what a window is and when it ends is the caller's policy.
public final class LimitCounterStore: MongoCollectionStore {
    public static let collectionName = "limits"

    let database: MongoDatabase

    public init(database: MongoDatabase) {
        self.database = database
    }

    /// Creates the TTL index on `expiresAt` (idempotent): a document disappears once that date
    /// has passed (MongoDB's TTL monitor runs about once a minute).
    public func createIndexes() async throws(PersistenceError) {
        try await createIndex(#"{"key": {"expiresAt": 1}, "name": "expiresAt_ttl", "expireAfterSeconds": 0}"#)
    }

    /// `_id` of a key's per-minute window document.
    public static func windowDocumentID(keyId: String, window: Int64) -> String { "rate:\(keyId):\(window)" }

    /// What key `keyId` used in window `window` (zero when it has no document).
    public func use(keyId: String, window: Int64) async throws(PersistenceError) -> MinuteWindowUse {
        let id = Self.windowDocumentID(keyId: keyId, window: window)
        return try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            try Self.readUse(collection, id: id)
        }
    }

    static func readUse(_ collection: MongoCollection, id: String) throws(MongoError) -> MinuteWindowUse {
        let filter = BSONDocument()
        filter.append("_id", string: id)
        guard let document = try collection.find(filter: filter, limit: 1).first else { return .zero }
        let fields = try document.decoded()
        return MinuteWindowUse(requests: fields["requests"]?.integer ?? 0, tokens: fields["tokens"]?.integer ?? 0)
    }
}
