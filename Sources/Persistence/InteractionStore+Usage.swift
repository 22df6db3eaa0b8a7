import Foundation

extension InteractionStore {
    /// Request, token and error totals for `query`, computed by one MongoDB aggregation
    /// (`$match` on the indexed `userId`/`timestamp` fields, then `$group`). Returns the overall
    /// total and, when `query.groupBy` is set, one row per group sorted by key.
    public func usage(_ query: UsageQuery) async throws(PersistenceError) -> (total: UsageTotals, groups: [UsageTotals]) {
        let pipelineJSON = Self.usagePipelineJSON(query)
        let pool = self.pool
        let databaseName = self.databaseName
        let rows = try await threadPool.runBlocking { () throws(PersistenceError) -> [String] in
            let pipeline = try BSONDocument(json: pipelineJSON)
            return try pool.withClient { client throws(PersistenceError) in
                try client.collection(database: databaseName, name: Self.collectionName)
                    .aggregate(pipeline: pipeline, context: "usage aggregation on \(databaseName).\(Self.collectionName)")
            }
        }
        var groups: [UsageTotals] = []
        for row in rows {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(row.utf8))) as? [String: Any] else {
                throw PersistenceError(code: .commandFailed, message: "usage aggregation returned an unreadable row")
            }
            groups.append(
                UsageTotals(
                    key: object["_id"] as? String, requests: Self.integer(object["requests"]),
                    promptTokens: Self.integer(object["promptTokens"]),
                    completionTokens: Self.integer(object["completionTokens"]),
                    totalTokens: Self.integer(object["totalTokens"]), errors: Self.integer(object["errors"])))
        }
        var total = UsageTotals.zero(key: nil)
        for group in groups {
            total.requests += group.requests
            total.promptTokens += group.promptTokens
            total.completionTokens += group.completionTokens
            total.totalTokens += group.totalTokens
            total.errors += group.errors
        }
        return (total, query.groupBy == nil ? [] : groups)
    }

    /// The aggregation as extended JSON (`{"pipeline": [...]}`); strings are JSON-encoded, dates
    /// are canonical `$date` values, so no caller input can change the pipeline's shape.
    static func usagePipelineJSON(_ query: UsageQuery) -> String {
        var match: [String] = []
        if let userId = query.userId { match.append("\"userId\": \(jsonString(userId))") }
        if let apiKeyId = query.apiKeyId { match.append("\"apiKeyId\": \(jsonString(apiKeyId))") }
        var range: [String] = []
        if let from = query.from { range.append("\"$gte\": \(jsonDate(from))") }
        if let to = query.to { range.append("\"$lt\": \(jsonDate(to))") }
        if !range.isEmpty { match.append("\"timestamp\": {\(range.joined(separator: ", "))}") }

        let key: String
        switch query.groupBy {
        case nil: key = "null"
        case .model: key = "\"$model\""
        case .provider: key = "\"$provider\""
        case .day: key = #"{"$dateToString": {"format": "%Y-%m-%d", "date": "$timestamp"}}"#
        }
        return """
            {"pipeline": [
              {"$match": {\(match.joined(separator: ", "))}},
              {"$group": {"_id": \(key), "requests": {"$sum": 1},
                "promptTokens": {"$sum": "$usage.promptTokens"},
                "completionTokens": {"$sum": "$usage.completionTokens"},
                "totalTokens": {"$sum": "$usage.totalTokens"},
                "errors": {"$sum": {"$cond": [{"$eq": ["$status", "error"]}, 1, 0]}}}},
              {"$sort": {"_id": 1}}
            ]}
            """
    }

    private static func jsonString(_ value: String) -> String {
        // A one-element array encodes any string safely; strip the brackets.
        let data = (try? JSONSerialization.data(withJSONObject: [value])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    private static func jsonDate(_ date: Date) -> String {
        #"{"$date": {"$numberLong": "\#(BSONDocument.milliseconds(since1970: date))"}}"#
    }

    /// A number from canonical extended JSON (`{"$numberInt": "5"}`, `$numberLong`, `$numberDouble`).
    static func integer(_ value: Any?) -> Int {
        if let number = value as? Int { return number }
        guard let wrapped = value as? [String: Any] else { return 0 }
        for key in ["$numberInt", "$numberLong"] {
            if let text = wrapped[key] as? String, let number = Int(text) { return number }
        }
        if let text = wrapped["$numberDouble"] as? String, let number = Double(text) { return Int(number) }
        return 0
    }
}
