import Foundation
import MongoDriver

/// The `limits` collection: the counters behind per-key rate limits and budgets and the
/// per-username failed-login count, shared by every replica (SPEC §6, §10).
///
/// Every admission is one atomic compare-and-increment on the server (a conditional `$inc` with
/// upsert), so N replicas together never admit more than the limit. Each document carries
/// `expiresAt` and a TTL index removes it once its window is over. It knows counters and windows
/// by number only; what a window is and when it ends is the caller's policy.
public final class LimitCounterStore: Sendable {
    public static let collectionName = "limits"

    let database: MongoDatabase

    public init(database: MongoDatabase) {
        self.database = database
    }

    /// Creates the TTL index on `expiresAt` (idempotent): a document disappears once that date
    /// has passed (MongoDB's TTL monitor runs about once a minute).
    public func createIndexes() async throws(PersistenceError) {
        do {
            _ = try await database.writeCommand(context: "createIndexes on \(Self.collectionName)") {
                () throws(MongoError) in
                try BSONDocument(
                    json:
                        #"{"createIndexes": "\#(Self.collectionName)", "indexes": [{"key": {"expiresAt": 1}, "name": "expiresAt_ttl", "expireAfterSeconds": 0}]}"#
                )
            }
        } catch {
            throw PersistenceError(error)
        }
    }

    /// `_id` of a key's per-minute window document.
    public static func windowDocumentID(keyId: String, window: Int64) -> String { "rate:\(keyId):\(window)" }

    /// Admits one call into window `window` of key `keyId` when it has room: fewer than
    /// `requestsLimit` requests and at most `tokensLimit - reserve` tokens (a `nil` limit is not
    /// checked); counts the request and reserves `reserve` tokens, atomically on the server.
    /// `reserve` is capped at `tokensLimit` so an empty window always admits one call.
    public func take(
        keyId: String, window: Int64, windowStart: Date, expiresAt: Date, requestsLimit: Int?, tokensLimit: Int?,
        reserve: Int
    ) async throws(PersistenceError) -> MinuteWindowTake {
        let id = Self.windowDocumentID(keyId: keyId, window: window)
        let reserved = tokensLimit.map { min(max(reserve, 0), $0) } ?? max(reserve, 0)
        return try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            func conditionalIncrement(upsert: Bool) throws(MongoError) -> Bool {
                let filter = BSONDocument()
                filter.append("_id", string: id)
                if let requestsLimit {
                    let below = BSONDocument()
                    below.append("$lt", int64: Int64(requestsLimit))
                    filter.append("requests", document: below)
                }
                if let tokensLimit {
                    let room = BSONDocument()
                    room.append("$lte", int64: Int64(tokensLimit - max(reserved, 1)))
                    filter.append("tokens", document: room)
                }
                let increments = BSONDocument()
                increments.append("requests", int64: 1)
                increments.append("tokens", int64: Int64(reserved))
                let onInsert = BSONDocument()
                onInsert.append("keyId", string: keyId)
                onInsert.append("windowStart", date: windowStart)
                onInsert.append("expiresAt", date: expiresAt)
                let update = BSONDocument()
                update.append("$inc", document: increments)
                update.append("$setOnInsert", document: onInsert)
                let outcome = try collection.updateOne(filter: filter, update: update, upsert: upsert)
                return outcome.matched > 0 || outcome.upserted
            }
            do throws(MongoError) {
                if try conditionalIncrement(upsert: true) { return .admitted }
            } catch  where error.isDuplicateKey {
                // The window exists and failed the condition, or another replica created it a
                // moment ago: once more without upsert tells the two apart.
                if try conditionalIncrement(upsert: false) { return .admitted }
            } catch {
                throw error
            }
            let use = try Self.readUse(collection, id: id)
            if let requestsLimit, use.requests >= requestsLimit { return .requestsExhausted }
            return .tokensExhausted
        }
    }

    /// Adds `delta` (may be negative) to the tokens of a window: an answered call's real total
    /// minus what it reserved when it was admitted. Nothing happens when the window is gone.
    public func adjustTokens(keyId: String, window: Int64, by delta: Int) async throws(PersistenceError) {
        guard delta != 0 else { return }
        let id = Self.windowDocumentID(keyId: keyId, window: window)
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            let filter = BSONDocument()
            filter.append("_id", string: id)
            let increments = BSONDocument()
            increments.append("tokens", int64: Int64(delta))
            let update = BSONDocument()
            update.append("$inc", document: increments)
            _ = try collection.updateOne(filter: filter, update: update, upsert: false)
        }
    }

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
