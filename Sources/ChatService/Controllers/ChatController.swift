import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Persistence
import Providers

/// `POST /v1/chat`: the product's spine. Validates the request, asks the provider chain (with
/// retries and fallback) for an answer, makes the interaction durable, and only then answers.
struct ChatController: Sendable {
    let calls: ProviderCallDependencies

    static let route = "/v1/chat"

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("chat", use: chat)
    }

    @Sendable func chat(request: Request, context: ChatRequestContext) async throws -> Response {
        let start = CallStart(context: context)
        let body = try await calls.body(of: request)
        let chatRequest = try ChatRequest(json: body.readableBytesView)
        let chain = calls.chain
        guard chatRequest.provider.map(chain.providerNames.contains) ?? true else {
            let configured = chain.providerNames.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalidRequest(
                "provider \"\(chatRequest.provider!.rawValue)\" is unknown: it is not configured (configured: \(configured))"
            )
        }
        try calls.recorder.admit(logger: context.logger)

        let logger = start.logger
        let firstProvider = chatRequest.provider ?? chain.providerNames[0]
        let call = CallRecord(
            start, context: context, route: Self.route, userId: chatRequest.userId, prompt: chatRequest.prompt,
            firstProvider: firstProvider, firstModel: chatRequest.model ?? chain.defaultModel(of: firstProvider))
        let completionRequest = CompletionRequest(prompt: chatRequest.prompt)
        let route = ProviderRoute(requestedProvider: chatRequest.provider, requestedModel: chatRequest.model)
        let deadline = calls.deadline(of: start)
        let (result, clientLeft) = await context.whileClientStays { [timing = context.timing, logger] in
            await chain.complete(completionRequest, route: route, deadline: deadline, timing: timing, logger: logger)
        }
        if clientLeft {
            try await calls.recorder.recordClientDisconnected(
                result, of: call, promptMessages: completionRequest.messages, timing: context.timing, logger: logger)
        }

        let interaction = try await calls.recorder.record(
            result, of: call, promptMessages: completionRequest.messages, timing: context.timing, logger: logger)

        switch result {
        case .success(let success):
            logger.info(
                "chat answered",
                metadata: [
                    "provider": "\(success.provider)", "model": "\(success.model)",
                    "attempts": "\(success.attempts.count)", "fallback": "\(success.fallback)",
                    "latency_ms": "\(interaction.latencyMs)",
                ])
            let answer = ChatResponse(interaction: interaction, attempts: success.attempts.count)
            guard let body = answer.json else { return try JSONResponse.make(.ok, answer) }
            return JSONResponse.make(.ok, json: body)
        case .failure(let failure):
            logger.warning(
                "chat failed", metadata: ["reason": "\(failure.reason)", "detail": "\(failure.message)"])
            throw APIError(failure: failure)
        }
    }
}
