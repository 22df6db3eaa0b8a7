/// One HTTP attempt against one provider, as the SPEC's `attempts[]` records it.
public struct ProviderAttempt: Sendable, Equatable {
    public var provider: ProviderName
    public var model: String
    /// `nil` = the attempt succeeded (HTTP 200).
    public var error: ProviderError?
    public var latency: Duration

    public init(provider: ProviderName, model: String, error: ProviderError?, latency: Duration) {
        self.provider = provider
        self.model = model
        self.error = error
        self.latency = latency
    }

    /// `attempts[].status`: `"200"` on success, else the HTTP status or `timeout`/`connect`/….
    public var statusLabel: String {
        error?.kind.statusLabel ?? "200"
    }
}
