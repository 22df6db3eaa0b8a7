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
    let chain: ProviderChain
    let interactionLog: any InteractionLog
    let requestTimeout: Duration
    let maxBodyBytes: Int

    static let route = "/v1/chat"

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.post("/v1/chat", use: chat)
    }

    @Sendable func chat(request: Request, context: ChatRequestContext) async throws -> Response {
        let requestedAt = Date()
        let started = ContinuousClock.now
        let id = InteractionID.generate()

        var request = request
        let body = try await request.collectBody(limit: maxBodyBytes)
        let chatRequest = try ChatRequest(json: body.readableBytesView)
        guard chatRequest.provider.map(chain.providerNames.contains) ?? true else {
            let configured = chain.providerNames.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalidRequest(
                "provider \"\(chatRequest.provider!.rawValue)\" is not configured (configured: \(configured))")
        }

        var logger = context.logger
        logger[metadataKey: "interaction_id"] = .string(id)
        let route = ProviderRoute(
            first: chatRequest.provider, model: chatRequest.model, allowFallback: chatRequest.provider == nil)
        let result = await chain.complete(
            CompletionRequest(prompt: chatRequest.prompt), route: route, deadline: started + requestTimeout,
            logger: logger)
        let answeredAt = Date()
        let latency = ContinuousClock.now - started

        let interaction = Interaction(
            chat: chatRequest, id: id, result: result, requestedAt: requestedAt, answeredAt: answeredAt,
            latency: latency, requestID: context.requestID, defaultProvider: chain.providerNames[0])
        do {
            try await interactionLog.record(interaction)
        } catch {
            if case .failure(let failure) = result {
                // The caller still learns that the providers failed; the lost error record is logged.
                logger.error(
                    "could not store failed interaction", metadata: ["error": "\(error)", "failure": "\(failure.message)"])
            } else {
                logger.error("could not store interaction; answering 503", metadata: ["error": "\(error)"])
                throw APIError(
                    status: .serviceUnavailable, code: "storage_unavailable",
                    message: "the interaction could not be stored durably (MongoDB: \(error.message)); retry later",
                    retryAfter: .seconds(5))
            }
        }

        switch result {
        case .success(let success):
            logger.info(
                "chat answered",
                metadata: [
                    "provider": "\(success.provider)", "model": "\(success.model)",
                    "attempts": "\(success.attempts.count)", "fallback": "\(success.fallback)",
                    "latency_ms": "\(interaction.latencyMs)",
                ])
            return try ChatResponse(interaction: interaction, attempts: success.attempts.count).jsonResponse()
        case .failure(let failure):
            logger.warning(
                "chat failed", metadata: ["reason": "\(failure.reason)", "detail": "\(failure.message)"])
            throw APIError(failure: failure)
        }
    }
}

extension Request {
    /// Collects the body, turning "too large" into SPEC §3.1's 413.
    mutating func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(
                status: .contentTooLarge, code: "payload_too_large",
                message: "request body is larger than \(limit) bytes (MAX_BODY_BYTES)")
        }
    }
}
