/// Context windows (tokens) of well-known hosted models, for `GET /v1/providers`; a model not
/// listed simply has none shown. From the same sources as `PriceTable.builtIn`.
enum ModelContextWindows {
    static let known: [String: Int] = [
        "gpt-5": 400_000, "gpt-5.1": 400_000, "gpt-5-mini": 400_000, "gpt-5-nano": 400_000,
        "gpt-4.1": 1_047_576, "gpt-4.1-mini": 1_047_576, "gpt-4.1-nano": 1_047_576,
        "gpt-4o": 128_000, "gpt-4o-mini": 128_000, "o1": 200_000, "o3": 200_000, "o3-mini": 200_000,
        "o4-mini": 200_000, "gpt-4": 8_192, "gpt-3.5-turbo": 16_385, "gpt-35-turbo": 16_385,
        "gemini-2.5-pro": 1_048_576, "gemini-2.5-flash": 1_048_576, "gemini-2.5-flash-lite": 1_048_576,
        "gemini-2.0-flash": 1_048_576, "gemini-2.0-flash-lite": 1_048_576,
    ]

    /// The window of `model`, matched like `PriceTable.price(of:)`'s exact and `models/` forms.
    static func window(of model: String) -> Int? {
        var name = model.lowercased()
        if name.hasPrefix("models/") { name.removeFirst("models/".count) }
        return known[name]
    }
}
