/// Why a provider cannot serve a request: a tool, JSON-output or image feature it lacks for the
/// chosen model, so the gateway answers 400 naming the field and the provider instead of dropping
/// the field, and fallback skips providers that could not honour it.
public struct UnsupportedFeature: Sendable, Equatable, Error, CustomStringConvertible {
    /// The request field at fault, in OpenAI's names (`tools`, `tool_choice`, `response_format`,
    /// `messages[2].content[1].image_url`, …).
    public var field: String
    public var provider: ProviderName
    public var model: String
    /// What the provider lacks, e.g. "the model's capabilities do not include tools".
    public var reason: String

    public init(field: String, provider: ProviderName, model: String, reason: String) {
        self.field = field
        self.provider = provider
        self.model = model
        self.reason = reason
    }

    public var description: String {
        "\(field) is not supported by provider \(provider) for model \(model): \(reason)"
    }
}
