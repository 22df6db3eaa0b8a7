/// The sentences a chain failure is told in: the summary of its attempts, and what a deadline
/// that passed while every connection was busy adds.
extension ProviderChain {
    /// What the deadline's message adds when it passed while every connection was busy.
    static func connectionWait(gate: ProviderConnectionGate, provider: ProviderName, waited: Duration) -> String {
        " No connection to \(provider) (\(gate.host)) came free within \(waited.milliseconds) ms:"
            + " all \(gate.connections) (PROVIDER_MAX_CONNECTIONS) were busy."
    }

    /// "All providers failed: gemini (gemini-2.0-flash) 503 "overloaded"; ollama (llama3.2) connect "…"."
    static func summary(reason: ChainFailure.Reason, attempts: [ProviderAttempt]) -> String {
        let lead: String
        switch reason {
        case .allProvidersFailed: lead = "All providers failed"
        case .deadlineExceeded: lead = "The request deadline passed"
        case .cancelled: lead = "The request was cancelled"
        }
        guard !attempts.isEmpty else { return lead + " before any provider was tried." }
        let listed = attempts.map { attempt in
            let detail = attempt.error.map { " \"\($0.message)\"" } ?? ""
            return "\(attempt.provider) (\(attempt.model)) \(attempt.statusLabel)\(detail)"
        }
        return lead + ": " + listed.joined(separator: "; ") + "."
    }
}
