import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Persistence
import Providers

extension Interaction {
    /// The SPEC §4 document for one call, answered or failed. `prompt` messages feed the token
    /// estimate when the provider reported no usage.
    init(call: CallRecord, result: ChainResult, promptMessages: [ChatMessage], answeredAt: Date) {
        let attempts: [ProviderAttempt]
        switch result {
        case .success(let success): attempts = success.attempts
        case .failure(let failure): attempts = failure.attempts
        }
        self.init(
            id: call.id, userId: call.userId, route: call.route, prompt: call.prompt,
            messages: call.messages?.map { InteractionMessage(role: $0.role.rawValue, content: $0.content) },
            response: "", status: .ok, provider: call.firstProvider.rawValue, model: call.firstModel,
            requestedAt: call.requestedAt, timestamp: answeredAt,
            latencyMs: Int32(clamping: (ContinuousClock.now - call.started).milliseconds),
            attempts: attempts.map(InteractionAttempt.init), fallback: false, usage: .zero, stream: call.stream,
            apiKeyId: call.apiKeyId, requestId: call.requestID)
        traceId = call.traceID
        switch result {
        case .success(let success):
            response = success.completion.text
            provider = success.provider.rawValue
            model = success.model
            fallback = success.fallback
            usage = InteractionUsage(
                reported: success.completion.usage, promptMessages: promptMessages, completion: success.completion.text)
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

extension InteractionUsage {
    /// The provider's counts, or `TokenEstimate`'s (marked estimated) when it reported none.
    init(reported: TokenUsage?, promptMessages: [ChatMessage], completion: String) {
        let counts = reported ?? TokenEstimate.usage(prompt: promptMessages, completion: completion)
        self.init(
            promptTokens: Int32(clamping: counts.promptTokens),
            completionTokens: Int32(clamping: counts.completionTokens),
            totalTokens: Int32(clamping: counts.totalTokens), estimated: reported == nil)
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
            self.init(
                status: .init(code: 499, reasonPhrase: "Client Closed Request"), code: failure.reason.code,
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
            cost: interaction.cost.map {
                Cost(currency: $0.currency, input: $0.input, output: $0.output, total: $0.total)
            },
            latencyMs: Int(interaction.latencyMs), attempts: attempts, fallback: interaction.fallback)
    }
}
