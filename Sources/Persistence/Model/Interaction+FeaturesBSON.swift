import MongoDriver

extension Interaction {
    /// `toolCalls` [{id, name, arguments}], `inputImages` [{mimeType, bytes (int32), sha256}] and
    /// `features` {tools, toolChoice?, parallelToolCalls?, responseFormat?: {type, name?, strict?,
    /// schema? (JSON text)}}, each omitted when empty.
    func appendFeatures(to document: BSONDocument) {
        if let toolCalls, !toolCalls.isEmpty {
            document.append("toolCalls", array: toolCalls.map { $0.bsonDocument() })
        }
        if let inputImages, !inputImages.isEmpty {
            document.append(
                "inputImages",
                array: inputImages.map { image in
                    let element = BSONDocument()
                    element.append("mimeType", string: image.mimeType)
                    element.append("bytes", int32: image.bytes)
                    element.append("sha256", string: image.sha256)
                    return element
                })
        }
        if let features, !features.isEmpty {
            let element = BSONDocument()
            element.append("tools", stringArray: features.tools)
            if let choice = features.toolChoice { element.append("toolChoice", string: choice) }
            if let parallel = features.parallelToolCalls { element.append("parallelToolCalls", bool: parallel) }
            if let type = features.responseFormat {
                let format = BSONDocument()
                format.append("type", string: type)
                if let name = features.schemaName { format.append("name", string: name) }
                if let strict = features.schemaStrict { format.append("strict", bool: strict) }
                if let schema = features.schema { format.append("schema", string: schema) }
                element.append("responseFormat", document: format)
            }
            document.append("features", document: element)
        }
    }
}

extension InteractionMessage {
    /// `{role, content, toolCalls?, toolCallId?}`.
    func bsonDocument() -> BSONDocument {
        let element = BSONDocument()
        element.append("role", string: role)
        element.append("content", string: content)
        if let toolCalls, !toolCalls.isEmpty {
            element.append("toolCalls", array: toolCalls.map { $0.bsonDocument() })
        }
        if let toolCallId { element.append("toolCallId", string: toolCallId) }
        return element
    }
}

extension InteractionToolCall {
    func bsonDocument() -> BSONDocument {
        let element = BSONDocument()
        element.append("id", string: id)
        element.append("name", string: name)
        element.append("arguments", string: arguments)
        return element
    }
}
