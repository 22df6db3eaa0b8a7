import Providers

extension CallRecord {
    /// The record of a call begun at `start`, with the request, trace and key ids of `context`.
    init(
        _ start: CallStart, context: ChatRequestContext, route: String, userId: String, prompt: String,
        messages: [ChatMessage]? = nil, stream: Bool = false, firstProvider: ProviderName, firstModel: String
    ) {
        self.init(
            id: start.id, route: route, userId: userId, prompt: prompt, messages: messages,
            requestedAt: start.requestedAt, started: start.started, requestID: context.requestID,
            traceID: context.traceID, apiKeyId: context.client?.keyId, stream: stream, firstProvider: firstProvider,
            firstModel: firstModel)
    }
}
