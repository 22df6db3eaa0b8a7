import Foundation
import NIOCore
import NIOHTTP1

// Tool calls, JSON output and images answered in each dialect's real shape (issue 15): Gemini
// `functionCall` parts, Ollama `tool_calls` with object arguments, OpenAI string arguments and
// streamed `delta.tool_calls` pieces. Requests without those features never get here.
extension ProviderDoubleResponder {
    /// The reply to a request that offers tools (and does not end in tool results) or asks for
    /// JSON or sends images, unless the script says otherwise (`nil` then: the normal answer).
    /// Gemini's schemas are checked as Gemini does: an unknown keyword is a 400.
    func featureReply(
        route: ProviderDoubleRoute, request: ProviderDoubleRequest, query: [String: String],
        behaviour: ProviderDoubleBehaviour?
    ) -> ProviderDoubleReply? {
        guard let json = request.jsonBody else { return nil }
        if let behaviour, behaviour.kind != .success || behaviour.text != nil || behaviour.chunks != nil {
            return nil
        }
        let features = ProviderDoubleFeatures(route: route, json: json)
        guard !features.isPlain else { return nil }
        if route == .gemini, let problem = Self.geminiSchemaProblem(in: json) {
            return generation(
                route: route, request: request, query: query, behaviour: .error(status: 400, message: problem))
        }
        let prompt = Self.lastUserText(route: route, json: json)
        if features.wantsToolCall {
            return toolCallReply(
                route: route, request: request, json: json, query: query, features: features, prompt: prompt)
        }
        var text: String
        if let schema = features.jsonSchema {
            text = Self.serialize(
                ProviderDoubleFeatures.sample(for: schema, text: prompt, number: Self.wordCount(prompt)))
        } else if let results = features.toolResults {
            text = "Result: " + results.joined(separator: " | ")
        } else {
            text = "Echo: \(prompt)"
        }
        if !features.images.isEmpty, features.jsonSchema == nil {
            let described = features.images.map { "\($0.mimeType) \($0.bytes) bytes" }.joined(separator: ", ")
            text += " [images: \(described)]"
        }
        var scripted = behaviour ?? .success()
        scripted.text = text
        return generation(route: route, request: request, query: query, behaviour: scripted)
    }

    /// The `Schema` fields Gemini knows; anything else in `responseSchema` or a declaration's
    /// `parameters` is rejected the way Gemini rejects unknown proto fields.
    static let geminiSchemaFields: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
        "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
        "default", "items", "minimum", "maximum",
    ]

    static func geminiSchemaProblem(in json: [String: Any]) -> String? {
        var schemas: [(String, Any)] = []
        if let schema = (json["generationConfig"] as? [String: Any])?["responseSchema"] {
            schemas.append(("generation_config.response_schema", schema))
        }
        for (toolIndex, tool) in ((json["tools"] as? [[String: Any]]) ?? []).enumerated() {
            for (index, declaration) in ((tool["functionDeclarations"] as? [[String: Any]]) ?? []).enumerated() {
                if let parameters = declaration["parameters"] {
                    schemas.append(("tools[\(toolIndex)].function_declarations[\(index)].parameters", parameters))
                }
            }
        }
        for (path, schema) in schemas {
            if let problem = geminiSchemaProblem(schema, path: path) { return problem }
        }
        return nil
    }

    private static func geminiSchemaProblem(_ value: Any, path: String) -> String? {
        guard let schema = value as? [String: Any] else { return "Invalid value at '\(path)': expected an object" }
        for key in schema.keys.sorted() where !geminiSchemaFields.contains(key) {
            return "Invalid JSON payload received. Unknown name \"\(key)\" at '\(path)': Cannot find field."
        }
        if let type = schema["type"] as? String,
            !["STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"].contains(type.uppercased())
        {
            return
                "Invalid value at '\(path).type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), \"\(type)\""
        }
        for (name, property) in (schema["properties"] as? [String: Any]) ?? [:] {
            if let problem = geminiSchemaProblem(property, path: "\(path).properties[\(name)].value") { return problem }
        }
        if let items = schema["items"], let problem = geminiSchemaProblem(items, path: "\(path).items") {
            return problem
        }
        for (index, option) in ((schema["anyOf"] as? [Any]) ?? []).enumerated() {
            if let problem = geminiSchemaProblem(option, path: "\(path).any_of[\(index)]") { return problem }
        }
        return nil
    }
}
