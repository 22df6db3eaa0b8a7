import Foundation
import MongoDriver

extension InteractionStore {
    /// Request, token and error totals for `query`, computed by one MongoDB aggregation
    /// (`$match` on the indexed `userId`/`timestamp` fields, then `$group`). Returns the overall
    /// total and, when `query.groupBy` is set, one row per group sorted by key.
    public func usage(_ query: UsageQuery) async throws(PersistenceError) -> (total: UsageTotals, groups: [UsageTotals])
    {
        let pipelineJSON = Self.usagePipelineJSON(query)
        let groups = try await database.perform(in: Self.collectionName) {
            collection throws(MongoError) -> [UsageTotals] in
            try collection.aggregate(pipeline: try BSONDocument(json: pipelineJSON)).map { row throws(MongoError) in
                let fields = try row.decoded()
                func count(_ key: String) -> Int { fields[key]?.integer ?? 0 }
                return UsageTotals(
                    key: fields["_id"]?.string, requests: count("requests"), promptTokens: count("promptTokens"),
                    completionTokens: count("completionTokens"), totalTokens: count("totalTokens"),
                    errors: count("errors"), cost: fields["cost"]?.double ?? 0)
            }
        }
        var total = UsageTotals.zero(key: nil)
        for group in groups {
            total.requests += group.requests
            total.promptTokens += group.promptTokens
            total.completionTokens += group.completionTokens
            total.totalTokens += group.totalTokens
            total.errors += group.errors
            total.cost += group.cost
        }
        return (total, query.groupBy == nil ? [] : groups)
    }

    /// The aggregation as extended JSON (`{"pipeline": [...]}`); strings are JSON-encoded, dates
    /// are canonical `$date` values, so no caller input can change the pipeline's shape.
    static func usagePipelineJSON(_ query: UsageQuery) -> String {
        var match: [String] = []
        if let userId = query.userId { match.append("\"userId\": \(jsonString(userId))") }
        if let apiKeyId = query.apiKeyId { match.append("\"apiKeyId\": \(jsonString(apiKeyId))") }
        if let apiKeyIds = query.apiKeyIds {
            match.append("\"apiKeyId\": {\"$in\": [\(apiKeyIds.map(jsonString).joined(separator: ", "))]}")
        }
        var range: [String] = []
        if let from = query.from { range.append("\"$gte\": \(jsonDate(from))") }
        if let to = query.to { range.append("\"$lt\": \(jsonDate(to))") }
        if !range.isEmpty { match.append("\"timestamp\": {\(range.joined(separator: ", "))}") }

        let key: String
        switch query.groupBy {
        case nil: key = "null"
        case .model: key = "\"$model\""
        case .provider: key = "\"$provider\""
        case .key: key = "\"$apiKeyId\""
        case .day: key = #"{"$dateToString": {"format": "%Y-%m-%d", "date": "$timestamp"}}"#
        }
        return """
            {"pipeline": [
              {"$match": {\(match.joined(separator: ", "))}},
              {"$group": {"_id": \(key), "requests": {"$sum": 1},
                "promptTokens": {"$sum": "$usage.promptTokens"},
                "completionTokens": {"$sum": "$usage.completionTokens"},
                "totalTokens": {"$sum": "$usage.totalTokens"},
                "errors": {"$sum": {"$cond": [{"$eq": ["$status", "error"]}, 1, 0]}},
                "cost": {"$sum": "$cost.total"}}},
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
}
