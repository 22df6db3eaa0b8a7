import Foundation
import MongoDriver

extension LimitCounterStore {
    /// What one replica asks of a key's per-minute window: a slice to admit calls from locally.
    public struct LeaseRequest: Sendable, Equatable {
        public var keyId: String
        public var window: Int64
        public var windowStart: Date
        /// When the window's document may be deleted (after the window ended).
        public var expiresAt: Date
        /// `requestsPerMinute` and `tokensPerMinute` (`nil`: not limited).
        public var requestsLimit: Int?
        public var tokensLimit: Int?
        /// The slice wanted: at least 1 request; tokens may be 0 (a key without a token limit, or
        /// a read that uses none).
        public var requests: Int
        public var tokens: Int
        /// The fewest tokens worth granting: one call's reservation (0 when the call needs none).
        /// A window with fewer tokens left than this is exhausted for the call.
        public var minimumTokens: Int
        /// What this replica gives back of its previous slice, with the request: the requests it
        /// did not use, and its token balance — tokens it did not use (positive: they go back) or
        /// tokens its answered calls used beyond their reservations (negative: a debt, counted in
        /// the window whatever the outcome, since they were spent).
        public var returnedRequests: Int
        public var returnedTokens: Int

        public init(
            keyId: String, window: Int64, windowStart: Date, expiresAt: Date, requestsLimit: Int?,
            tokensLimit: Int?, requests: Int, tokens: Int, minimumTokens: Int, returnedRequests: Int = 0,
            returnedTokens: Int = 0
        ) {
            self.keyId = keyId
            self.window = window
            self.windowStart = windowStart
            self.expiresAt = expiresAt
            self.requestsLimit = requestsLimit
            self.tokensLimit = tokensLimit
            self.requests = requests
            self.tokens = tokens
            self.minimumTokens = minimumTokens
            self.returnedRequests = returnedRequests
            self.returnedTokens = returnedTokens
        }
    }

    /// Reserves a slice of a key's window for one replica, atomically on the server.
    ///
    /// First one conditional `$inc` for the whole slice; when the window has less room than that
    /// (or does not exist yet), the window is read and the part that is left is taken with a
    /// compare-and-set on the values read (retried when another replica moved them first). The
    /// slices of every replica together never pass a limit; a window with no room for one call
    /// answers `.requestsExhausted` or `.tokensExhausted`. What the request gives back
    /// (`returnedRequests`, `returnedTokens`) is taken off the window in every case.
    public func lease(_ request: LeaseRequest) async throws(PersistenceError) -> MinuteWindowLease {
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            try Self.lease(request, in: collection)
        }
    }

    /// Gives back what a replica reserved and did not use (`requests`, `tokens`), or adds what it
    /// used beyond its slice (a negative `tokens`). Nothing happens when the window is gone.
    public func returnUnused(
        keyId: String, window: Int64, requests: Int, tokens: Int
    ) async throws(PersistenceError) {
        guard requests != 0 || tokens != 0 else { return }
        let id = Self.windowDocumentID(keyId: keyId, window: window)
        try await database.perform(in: Self.collectionName) { collection throws(MongoError) in
            try Self.increment(collection, id: id, requests: -requests, tokens: -tokens)
        }
    }

    static func lease(_ request: LeaseRequest, in collection: MongoCollection) throws(MongoError) -> MinuteWindowLease {
        let id = Self.windowDocumentID(keyId: request.keyId, window: request.window)
        let wanted = (
            requests: min(max(request.requests, 1), request.requestsLimit ?? .max),
            tokens: min(max(request.tokens, request.minimumTokens, 0), request.tokensLimit ?? .max)
        )
        // Added to the window with the slice, or alone when there is no room for one.
        let settle = (requests: -max(request.returnedRequests, 0), tokens: -request.returnedTokens)
        func granted(_ document: BSONFields, requests: Int, tokens: Int) -> MinuteWindowLease {
            let used = (requests: document["requests"]?.integer ?? 0, tokens: document["tokens"]?.integer ?? 0)
            return .granted(
                requests: requests, tokens: tokens,
                requestsLeft: request.requestsLimit.map { max($0 - used.requests, 0) },
                tokensLeft: request.tokensLimit.map { max($0 - used.tokens, 0) })
        }
        // The whole slice, when the window has room for it (or does not exist yet).
        let roomy = BSONDocument()
        roomy.append("_id", string: id)
        if let limit = request.requestsLimit {
            roomy.append("requests", document: .condition("$lte", Int64(limit - wanted.requests - settle.requests)))
        }
        if let limit = request.tokensLimit {
            roomy.append("tokens", document: .condition("$lte", Int64(limit - wanted.tokens - settle.tokens)))
        }
        // No upsert here: SecantusDB answers a racing upsert with no document although it applied
        // the update, which would count a slice twice. A window's first slice creates it below.
        if let document = try collection.findOneAndUpdate(
            filter: roomy,
            update: request.update(requests: wanted.requests + settle.requests, tokens: wanted.tokens + settle.tokens),
            upsert: false)
        {
            return granted(document, requests: wanted.requests, tokens: wanted.tokens)
        }
        // What is left, with a compare-and-set on the values read; another replica moving them
        // in between makes the set match nothing, and the loop reads again.
        for _ in 0..<32 {
            let read = BSONDocument()
            read.append("_id", string: id)
            guard let current = try collection.find(filter: read, limit: 1).first?.decoded() else {
                // No window yet: create it empty (an `$inc` of 0, harmless when replicas race), then
                // take what fits.
                _ = try collection.updateOne(filter: read, update: request.update(requests: 0, tokens: 0), upsert: true)
                continue
            }
            let used = (requests: current["requests"]?.integer ?? 0, tokens: current["tokens"]?.integer ?? 0)
            let room = (
                requests: request.requestsLimit.map { $0 - used.requests - settle.requests } ?? wanted.requests,
                tokens: request.tokensLimit.map { $0 - used.tokens - settle.tokens } ?? wanted.tokens
            )
            if room.requests < 1 || room.tokens < max(request.minimumTokens, 0) {
                if settle != (0, 0) {
                    try increment(collection, id: id, requests: settle.requests, tokens: settle.tokens)
                }
                return room.requests < 1 ? .requestsExhausted : .tokensExhausted
            }
            // Whole calls only: tokens for part of a call would sit unused in this replica's slice
            // while the window's rest is too small for a call on any other.
            var requests = min(wanted.requests, room.requests)
            if request.tokensLimit != nil, request.minimumTokens > 0 {
                requests = min(requests, room.tokens / request.minimumTokens)
            }
            let perCall = wanted.tokens / max(wanted.requests, 1)
            let slice = (requests: requests, tokens: max(0, min(wanted.tokens, room.tokens, requests * perCall)))
            let unchanged = BSONDocument()
            unchanged.append("_id", string: id)
            unchanged.append("requests", int64: Int64(used.requests))
            unchanged.append("tokens", int64: Int64(used.tokens))
            if let document = try collection.findOneAndUpdate(
                filter: unchanged,
                update: request.update(
                    requests: slice.requests + settle.requests, tokens: slice.tokens + settle.tokens),
                upsert: false)
            {
                return granted(document, requests: slice.requests, tokens: slice.tokens)
            }
        }
        throw MongoError(
            code: .writeFailed,
            message: "the limits window \(id) changed under 32 compare-and-set attempts in a row")
    }

    static func increment(_ collection: MongoCollection, id: String, requests: Int, tokens: Int) throws(MongoError) {
        let filter = BSONDocument()
        filter.append("_id", string: id)
        let increments = BSONDocument()
        increments.append("requests", int64: Int64(requests))
        increments.append("tokens", int64: Int64(tokens))
        let update = BSONDocument()
        update.append("$inc", document: increments)
        _ = try collection.updateOne(filter: filter, update: update, upsert: false)
    }
}

extension LimitCounterStore.LeaseRequest {
    /// `$inc` of a slice, and the window's identity when the update creates the document.
    func update(requests: Int, tokens: Int) -> BSONDocument {
        let increments = BSONDocument()
        increments.append("requests", int64: Int64(requests))
        increments.append("tokens", int64: Int64(tokens))
        let onInsert = BSONDocument()
        onInsert.append("keyId", string: keyId)
        onInsert.append("windowStart", date: windowStart)
        onInsert.append("expiresAt", date: expiresAt)
        let update = BSONDocument()
        update.append("$inc", document: increments)
        update.append("$setOnInsert", document: onInsert)
        return update
    }
}

extension BSONDocument {
    /// `{operator: value}`, e.g. `{$lte: 10}` for a filter.
    static func condition(_ comparison: String, _ value: Int64) -> BSONDocument {
        let document = BSONDocument()
        document.append(comparison, int64: value)
        return document
    }
}
