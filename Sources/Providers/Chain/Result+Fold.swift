extension Result {
    /// The one value both cases turn into: how the chain's `run` outcome becomes a `ChainResult`
    /// or a `StreamingChainResult`.
    func fold<T>(_ success: (Success) -> T, failure: (Failure) -> T) -> T {
        switch self {
        case .success(let value): return success(value)
        case .failure(let error): return failure(error)
        }
    }
}
