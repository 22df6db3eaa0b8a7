import Foundation
import Persistence
import Providers

extension Interaction {
    /// The SPEC §4 document of an embeddings or image call: a failure is stored exactly as a
    /// failed chat is; an answer stores its provider, model, attempts, `usage` and `extra`, with
    /// `response` empty (vectors and image bytes are never stored).
    init<Value>(
        call: CallRecord, answer result: Result<ChainAnswer<Value>, ChainFailure>, usage: InteractionUsage,
        extra: InteractionExtra?, answeredAt: Date
    ) {
        switch result {
        case .failure(let failure):
            self.init(call: call, result: .failure(failure), promptMessages: [], answeredAt: answeredAt)
            self.usage = .zero
        case .success(let answer):
            self.init(
                id: call.id, userId: call.userId, route: call.route, prompt: call.prompt, response: "", status: .ok,
                provider: "\(answer.provider)", model: answer.model, requestedAt: call.requestedAt,
                timestamp: answeredAt, latencyMs: Int32(clamping: (ContinuousClock.now - call.started).milliseconds),
                attempts: answer.attempts.map(InteractionAttempt.init), fallback: answer.fallback, usage: usage,
                stream: false, apiKeyId: call.apiKeyId, requestId: call.requestID)
            traceId = call.traceID
        }
        self.extra = extra
    }
}

extension InteractionUsage {
    /// Input-only usage (embeddings): the provider's prompt count, else the local estimate of
    /// `texts` (marked estimated).
    init(inputTokens reported: Int?, estimating texts: [String]) {
        let tokens = reported ?? texts.map(TokenEstimate.tokens(in:)).reduce(0, +)
        let count = Int32(clamping: tokens)
        self.init(promptTokens: count, completionTokens: 0, totalTokens: count, estimated: reported == nil)
    }
}
