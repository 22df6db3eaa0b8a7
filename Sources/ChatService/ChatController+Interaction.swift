import Foundation
import NIOCore
import HTTPTypes
import Hummingbird
import Persistence
import Providers

extension Interaction {
    /// The SPEC §4 document for one `/v1/chat` call, answered or failed.
    init(
        chat: ChatRequest, id: String, result: ChainResult, requestedAt: Date, answeredAt: Date,
        latency: Duration, requestID: String, defaultProvider: ProviderName
    ) {
        let attempts: [ProviderAttempt]
        switch result {
        case .success(let success): attempts = success.attempts
        case .failure(let failure): attempts = failure.attempts
        }
        self.init(
            id: id, userId: chat.userId, route: ChatController.route, prompt: chat.prompt, response: "",
            status: .ok, provider: (chat.provider ?? defaultProvider).rawValue, model: chat.model ?? "",
            requestedAt: requestedAt, timestamp: answeredAt, latencyMs: Int32(clamping: latency.milliseconds),
            attempts: attempts.map(InteractionAttempt.init), fallback: false, usage: .zero, stream: false,
            requestId: requestID)
        switch result {
        case .success(let success):
            response = success.completion.text
            provider = success.provider.rawValue
            model = success.model
            fallback = success.fallback
            if let usage = success.completion.usage {
                self.usage = InteractionUsage(
                    promptTokens: Int32(clamping: usage.promptTokens),
                    completionTokens: Int32(clamping: usage.completionTokens),
                    totalTokens: Int32(clamping: usage.totalTokens))
            }
        case .failure(let failure):
            status = .error
            error = InteractionError(code: failure.reason.code, message: failure.message)
            if let last = failure.attempts.last {
                provider = last.provider.rawValue
                model = last.model
            }
            fallback = Set(failure.attempts.map(\.provider)).count > 1
        }
    }
}

extension InteractionAttempt {
    init(_ attempt: ProviderAttempt) {
        self.init(
            provider: attempt.provider.rawValue, model: attempt.model, status: AttemptStatus(attempt.error),
            error: attempt.error?.message, latencyMs: Int32(clamping: attempt.latency.milliseconds))
    }
}

extension AttemptStatus {
    /// SPEC §4: the HTTP status as a number, or the transport outcome as a string.
    init(_ error: ProviderError?) {
        guard let error else {
            self = .http(200)
            return
        }
        switch error.kind {
        case .http(let status): self = .http(status)
        case .timeout: self = .transport("timeout")
        case .connect: self = .transport("connect")
        case .invalidResponse: self = .transport("invalid_response")
        case .cancelled: self = .transport("cancelled")
        }
    }
}

extension ChainFailure.Reason {
    /// The code stored in `error.code` and returned in the error body.
    var code: String {
        switch self {
        case .allProvidersFailed: return "providers_failed"
        case .deadlineExceeded: return "deadline_exceeded"
        case .cancelled: return "cancelled"
        }
    }
}

extension APIError {
    /// 502 when every provider failed, 504 when the request deadline passed; both list the attempts.
    init(failure: ChainFailure) {
        let attempts = failure.attempts.map {
            ChatResponse.Attempt(
                provider: $0.provider.rawValue, model: $0.model, status: $0.statusLabel,
                message: $0.error?.message, latencyMs: Int($0.latency.milliseconds))
        }
        switch failure.reason {
        case .allProvidersFailed:
            self.init(
                status: .badGateway, code: failure.reason.code, message: failure.message,
                retryAfter: failure.retryAfter, attempts: attempts)
        case .cancelled:
            // The caller went away; nobody reads this answer, but the status is honest.
            self.init(status: .init(code: 499, reasonPhrase: "Client Closed Request"), code: failure.reason.code,
                message: failure.message, attempts: attempts)
        case .deadlineExceeded:
            self.init(status: .gatewayTimeout, code: failure.reason.code, message: failure.message, attempts: attempts)
        }
    }
}

extension ChatResponse {
    init(interaction: Interaction, attempts: Int) {
        self.init(
            id: interaction.id, userId: interaction.userId, prompt: interaction.prompt,
            response: interaction.response, model: interaction.model, provider: interaction.provider,
            timestamp: ISO8601Timestamp.string(from: interaction.timestamp),
            usage: .init(
                promptTokens: Int(interaction.usage.promptTokens),
                completionTokens: Int(interaction.usage.completionTokens),
                totalTokens: Int(interaction.usage.totalTokens)),
            latencyMs: Int(interaction.latencyMs), attempts: attempts, fallback: interaction.fallback)
    }

    func jsonResponse() throws -> Response {
        let data = try JSONEncoder().encode(self)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
