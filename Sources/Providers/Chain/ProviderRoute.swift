/// Which provider and model a request starts with, and whether it may fall back (SPEC §3:
/// "`model`/`provider` pin the first hop; fallbacks still apply unless the caller pinned `provider`").
public struct ProviderRoute: Sendable, Equatable {
    /// The provider tried first; `nil` = the primary (first in `PROVIDERS`).
    public var first: ProviderName?
    /// The model for the first hop only; later hops use their provider's default model.
    public var model: String?
    /// Whether providers after the first hop may be tried.
    public var allowFallback: Bool

    public init(first: ProviderName? = nil, model: String? = nil, allowFallback: Bool = true) {
        self.first = first
        self.model = model
        self.allowFallback = allowFallback
    }

    /// The route for a request body's optional `provider` and `model` fields: pinning the
    /// provider disables fallback, pinning only the model does not.
    public init(requestedProvider: ProviderName?, requestedModel: String?) {
        self.init(first: requestedProvider, model: requestedModel, allowFallback: requestedProvider == nil)
    }

    /// Primary provider, its default model, fallbacks allowed.
    public static let `default` = ProviderRoute()
}
