import Foundation
import MongoDriver

extension LimitCounterStore {
    /// `_id` of a username's failed-login counter in one window. The username is not secret (it
    /// is the account's public name); no password or hash ever enters this collection.
    public static func loginFailuresDocumentID(username: String, window: Int64) -> String {
        "login:\(username):\(window)"
    }

    /// Failed logins counted for `username` in `window`.
    public func loginFailures(username: String, window: Int64) async throws(PersistenceError) -> Int {
        let id = Self.loginFailuresDocumentID(username: username, window: window)
        return try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            let filter = BSONDocument()
            filter.append("_id", string: id)
            return try collection.find(filter: filter, limit: 1).first?.decoded()["failures"]?.integer ?? 0
        }
    }

    /// Counts one failed login for `username` in `window`.
    public func recordLoginFailure(username: String, window: Int64, expiresAt: Date) async throws(PersistenceError) {
        let id = Self.loginFailuresDocumentID(username: username, window: window)
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            let filter = BSONDocument()
            filter.append("_id", string: id)
            let increments = BSONDocument()
            increments.append("failures", int64: 1)
            let onInsert = BSONDocument()
            onInsert.append("expiresAt", date: expiresAt)
            let update = BSONDocument()
            update.append("$inc", document: increments)
            update.append("$setOnInsert", document: onInsert)
            _ = try collection.updateOne(filter: filter, update: update, upsert: true)
        }
    }
}
