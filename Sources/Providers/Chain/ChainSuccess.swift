/// A completion plus how the chain got it, for the response body and the interaction log.
public struct ChainSuccess: Sendable, Equatable {
    public var completion: Completion
    /// The provider that answered.
    public var provider: ProviderName
    /// The model that was asked (the provider's own name for it is `completion.model`).
    public var model: String
    /// Every attempt, in order; the last one is the success.
    public var attempts: [ProviderAttempt]
    /// `true` when a provider other than the first one tried answered.
    public var fallback: Bool

    public init(
        completion: Completion, provider: ProviderName, model: String, attempts: [ProviderAttempt], fallback: Bool
    ) {
        self.completion = completion
        self.provider = provider
        self.model = model
        self.attempts = attempts
        self.fallback = fallback
    }
}
