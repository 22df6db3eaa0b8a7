/// What `ProviderChain.complete` ends with. Not `throws`, because a failure carries as much
/// data (attempts, last provider, retry hint) as a success, and the caller logs both.
public enum ChainResult: Sendable {
    case success(ChainSuccess)
    case failure(ChainFailure)
}
