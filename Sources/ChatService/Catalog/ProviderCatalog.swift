import Providers

/// The body of `GET /v1/providers` in seed 004's shape (SPEC §9): every configured provider, its
/// models (discovered and configured), their context windows and prices. A type of its own so the
/// route's JSON keys and their order are fixed in one place.
struct ProviderCatalog: Encodable, Sendable {
    var data: [Provider]

    /// One configured provider: `id` and `name` are its `PROVIDERS` name, `kind` its wire format.
    struct Provider: Encodable, Sendable {
        var id: String
        var name: String
        var kind: String
        var label: String
        var description: String
        var model: [Model]
    }

    /// One model a provider serves; `id` is `provider/model`, what `model` accepts to pin both.
    struct Model: Encodable, Sendable {
        var id: String
        var name: String
        var label: String
        var contextWindow: Int?
        var price: [CatalogPrice]
        var enabled: Bool
    }

    /// How a kind is shown to people.
    static func label(of kind: ProviderKind) -> String {
        switch kind {
        case .gemini: "Google Gemini"
        case .ollama: "Ollama"
        case .openai: "OpenAI-compatible"
        case .azure: "Azure OpenAI"
        }
    }
}
