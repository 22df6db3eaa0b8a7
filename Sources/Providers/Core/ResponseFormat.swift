/// The shape the answer's text must have (OpenAI's `response_format`), so each provider can be asked
/// for JSON in its own way (Gemini `responseMimeType`/`responseSchema`, Ollama `format`).
public enum ResponseFormat: Sendable, Equatable {
    /// Plain text (the default).
    case text
    /// Any JSON object.
    case jsonObject
    /// JSON matching `schema`; `name` and `strict` as the caller gave them.
    case jsonSchema(name: String, schema: JSONValue, strict: Bool)

    /// OpenAI's `type` value.
    public var type: String {
        switch self {
        case .text: return "text"
        case .jsonObject: return "json_object"
        case .jsonSchema: return "json_schema"
        }
    }
}
