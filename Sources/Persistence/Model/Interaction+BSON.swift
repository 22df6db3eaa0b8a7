import MongoDriver

/// The SPEC §4 `interactions` document, field by field with exact BSON types: `_id` is the
/// interaction id (a string), dates are BSON dates, counts and latencies are int32, and optional
/// fields are omitted rather than stored as null.
extension Interaction {
    /// Builds the document. Check `hasFailedAppend` on the result before writing it.
    public func bsonDocument() -> BSONDocument {
        let document = BSONDocument()
        document.append("_id", string: id)
        document.append("userId", string: userId)
        document.append("route", string: route)
        document.append("prompt", string: prompt)
        if let messages {
            document.append("messages", array: messages.map { $0.bsonDocument() })
        }
        document.append("response", string: response)
        document.append("status", string: status.rawValue)
        if let error {
            let errorDocument = BSONDocument()
            errorDocument.append("code", string: error.code)
            errorDocument.append("message", string: error.message)
            document.append("error", document: errorDocument)
        }
        document.append("provider", string: provider)
        document.append("model", string: model)
        document.append("requestedAt", date: requestedAt)
        document.append("timestamp", date: timestamp)
        document.append("latencyMs", int32: latencyMs)
        document.append("attempts", array: attempts.map { $0.bsonDocument() })
        document.append("fallback", bool: fallback)
        document.append("usage", document: usage.bsonDocument())
        if let cost {
            document.append("cost", document: cost.bsonDocument())
        }
        document.append("stream", bool: stream)
        if let apiKeyId {
            document.append("apiKeyId", string: apiKeyId)
        }
        document.append("requestId", string: requestId)
        if let traceId {
            document.append("traceId", string: traceId)
        }
        if let extra {
            document.append("extra", document: extra.bsonDocument())
        }
        appendFeatures(to: document)
        return document
    }
}

extension InteractionAttempt {
    /// `{provider, model, status, error?, latencyMs}`; `status` is int32 for an HTTP status and a
    /// string for a transport outcome.
    func bsonDocument() -> BSONDocument {
        let document = BSONDocument()
        document.append("provider", string: provider)
        document.append("model", string: model)
        switch status {
        case .http(let code):
            document.append("status", int32: Int32(clamping: code))
        case .transport(let name):
            document.append("status", string: name)
        }
        if let error {
            document.append("error", string: error)
        }
        document.append("latencyMs", int32: latencyMs)
        return document
    }
}

extension InteractionUsage {
    /// `{promptTokens, completionTokens, totalTokens}` as int32, plus `estimated: true` only when set.
    func bsonDocument() -> BSONDocument {
        let document = BSONDocument()
        document.append("promptTokens", int32: promptTokens)
        document.append("completionTokens", int32: completionTokens)
        document.append("totalTokens", int32: totalTokens)
        if estimated {
            document.append("estimated", bool: true)
        }
        return document
    }
}

extension InteractionCost {
    /// `{currency, input, output, total}`, the amounts as doubles.
    func bsonDocument() -> BSONDocument {
        let document = BSONDocument()
        document.append("currency", string: currency)
        document.append("input", double: input)
        document.append("output", double: output)
        document.append("total", double: total)
        return document
    }
}
