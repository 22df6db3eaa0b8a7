import Providers

extension StreamingChainResult {
    /// The call as it stood when nothing had been sent yet: a started stream counts as answered
    /// with its first chunk only (the rest is never read), a failure stays a failure.
    var beforeFirstByte: ChainResult {
        switch self {
        case .failure(let failure):
            return .failure(failure)
        case .success(let started):
            var accumulator = CompletionAccumulator()
            accumulator.add(started.firstChunk)
            return .success(
                ChainSuccess(
                    completion: accumulator.completion(requestedModel: started.model), provider: started.provider,
                    model: started.model, attempts: started.attempts, fallback: started.fallback))
        }
    }
}
