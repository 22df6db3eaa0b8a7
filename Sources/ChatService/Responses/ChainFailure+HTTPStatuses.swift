import Providers

extension ChainFailure {
    /// The HTTP status each attempt got, when every provider failed and every attempt got one;
    /// `nil` when the deadline passed or an attempt failed without a status (timeout, connect).
    /// The OpenAI and Ollama routes map a failure whose attempts all agree to the upstream's status.
    var statusOfEveryAttempt: [Int]? {
        let statuses = attempts.compactMap { attempt -> Int? in
            if case .http(let status) = attempt.error?.kind { return status }
            return nil
        }
        guard reason == .allProvidersFailed, !statuses.isEmpty, statuses.count == attempts.count else { return nil }
        return statuses
    }
}
