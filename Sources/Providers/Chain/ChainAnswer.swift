/// A non-chat answer (embeddings, images) plus how the chain got it, for the response body and
/// the interaction log: the same facts `ChainSuccess` carries for a completion.
public struct ChainAnswer<Value: Sendable>: Sendable {
    public var value: Value
    /// The provider that answered.
    public var provider: ProviderName
    /// The model that was asked.
    public var model: String
    /// Every attempt, in order; the last one is the success.
    public var attempts: [ProviderAttempt]
    /// `true` when a provider other than the first one tried answered.
    public var fallback: Bool

    public init(value: Value, provider: ProviderName, model: String, attempts: [ProviderAttempt], fallback: Bool) {
        self.value = value
        self.provider = provider
        self.model = model
        self.attempts = attempts
        self.fallback = fallback
    }
}
