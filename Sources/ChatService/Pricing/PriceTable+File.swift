import Foundation

extension PriceTable {
    /// Reads a `PRICES_FILE` (SPEC §9): `{"model": {"input": .., "output": ..}}` in USD per 1M
    /// tokens, and for image models `{"model": {"image": {"1024x1024": ..}}}` per image, or per
    /// quality `{"image": {"hd": {"1024x1024": ..}}}`. Any fault throws naming `variable`.
    static func load(file path: String, variable: String = "PRICES_FILE") throws(ConfigurationError) -> PriceTable {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(variable: variable, reason: "cannot be read: \"\(path)\"")
        }
        return try parse(data, variable: variable)
    }

    /// Parses the file's JSON (see `load(file:variable:)`).
    static func parse(_ data: Data, variable: String = "PRICES_FILE") throws(ConfigurationError) -> PriceTable {
        let entries: [String: PriceFileEntry]
        do {
            entries = try JSONDecoder().decode([String: PriceFileEntry].self, from: data)
        } catch let error as PriceFileError {
            throw ConfigurationError(variable: variable, reason: error.reason)
        } catch {
            throw ConfigurationError(
                variable: variable,
                reason:
                    "must be a JSON object of models, each {\"input\": number, \"output\": number} or {\"image\": {\"1024x1024\": number}}: \(Self.describe(error))"
            )
        }
        var models: [String: ModelPrice] = [:]
        for (model, entry) in entries {
            guard !model.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigurationError(variable: variable, reason: "has an empty model name")
            }
            models[model] = entry.price
        }
        return PriceTable(models)
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not a JSON object of models" : "wrong value at \(path)"
        @unknown default:
            return "not valid JSON"
        }
    }
}
