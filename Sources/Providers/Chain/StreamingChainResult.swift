/// What `ProviderChain.stream` ends with: a stream that has started (its first chunk in hand), or
/// the same `ChainFailure` `complete` gives when no provider got that far.
public enum StreamingChainResult: Sendable {
    case success(StreamingChainSuccess)
    case failure(ChainFailure)
}
