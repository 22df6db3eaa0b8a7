/// Prices by model name (SPEC §9): the built-in table (`PriceTable.builtIn`) with `PRICES_FILE`
/// merged over it. Read once at start-up; every call's cost and `GET /v1/providers` use it.
struct PriceTable: Sendable, Equatable {
    /// Keyed by lower-cased model name.
    private(set) var models: [String: ModelPrice]

    init(_ models: [String: ModelPrice] = [:]) {
        self.models = Dictionary(models.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// `self` with `overrides` merged over it: new models added, the parts they give replaced.
    func merging(_ overrides: PriceTable) -> PriceTable {
        var merged = self
        for (name, price) in overrides.models {
            merged.models[name] = models[name].map { $0.overridden(by: price) } ?? price
        }
        return merged
    }

    /// The price of `model`, matched as the provider names it: exactly (case-insensitive), without
    /// Gemini's `models/` prefix, or as a dated snapshot of a priced model (`gpt-4o-2024-08-06`,
    /// `gemini-2.0-flash-001`, `gpt-3.5-turbo-0125` are priced as `gpt-4o`, `gemini-2.0-flash`,
    /// `gpt-3.5-turbo`). `nil` when none matches.
    func price(of model: String) -> ModelPrice? {
        var name = model.lowercased()
        if name.hasPrefix("models/") { name.removeFirst("models/".count) }
        if let price = models[name] { return price }
        // Strip up to three trailing all-digit parts: a date (-2024-08-06) or a version (-001).
        for _ in 0..<3 {
            guard let dash = name.lastIndex(of: "-") else { return nil }
            let suffix = name[name.index(after: dash)...]
            guard !suffix.isEmpty, suffix.allSatisfy(\.isASCII), suffix.allSatisfy(\.isNumber) else { return nil }
            name = String(name[..<dash])
            if let price = models[name] { return price }
        }
        return nil
    }
}
