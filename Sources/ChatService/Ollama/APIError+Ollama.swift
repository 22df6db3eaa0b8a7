import HTTPTypes
import Providers

extension APIError {
    /// What an Ollama client sees when no Ollama server answered: Ollama's own status and message
    /// when every attempt got the same 4xx (404 `model 'x' not found`, 400 for a field Ollama
    /// refused), else 502 listing the attempts, or 504 when the deadline passed.
    init(ollamaFailure failure: ChainFailure) {
        self.init(failure: failure)
        guard let statuses = failure.statusOfEveryAttempt, let first = statuses.first,
            statuses.allSatisfy({ $0 == first }), (400..<500).contains(first), first != 401, first != 403
        else { return }
        status = HTTPResponse.Status(code: first)
        message = failure.attempts.last?.error?.message ?? message
    }

    /// 502 when Ollama refused or failed an unload or load (its own 404 for a model it does not
    /// have passes through), 504 when a model stayed loaded or the queue did not move in time.
    init(residency error: ModelResidencyError) {
        switch error.kind {
        case .upstreamFailed:
            if let status = error.upstreamStatus, status == 404 || status == 400 {
                self.init(status: HTTPResponse.Status(code: status), code: "model_unavailable", message: error.message)
            } else {
                self.init(status: .badGateway, code: "residency_failed", message: error.message)
            }
        case .timedOut:
            self.init(status: .gatewayTimeout, code: "residency_timeout", message: error.message)
        case .cancelled:
            self.init(
                status: .init(code: 499, reasonPhrase: "Client Closed Request"), code: "cancelled",
                message: error.message)
        }
    }
}
