import Logging

extension GeminiProvider {
    /// Gemini serves tools, JSON output and images on its current models; what it cannot take is
    /// a schema its `Schema` type cannot express (`GeminiSchema` lists the rules), reported with
    /// the path of the keyword at fault. No request is made.
    public func unsupportedFeature(
        of request: CompletionRequest, model: String, timeout: Duration, logger: Logger
    ) async -> UnsupportedFeature? {
        do throws(GeminiSchema.Rejection) {
            for (index, tool) in request.tools.enumerated() {
                if let parameters = tool.parameters {
                    _ = try GeminiSchema.translate(parameters, at: "tools[\(index)].function.parameters")
                }
            }
            if case .jsonSchema(_, let schema, _)? = request.responseFormat {
                _ = try GeminiSchema.translate(schema, at: "response_format.json_schema.schema")
            }
        } catch {
            return UnsupportedFeature(field: error.path, provider: name, model: model, reason: error.description)
        }
        return nil
    }
}
