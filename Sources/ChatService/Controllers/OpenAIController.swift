import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Persistence
import Providers

/// The OpenAI-compatible routes (SPEC §3.2, protocols.md §3): `POST /v1/chat/completions`
/// (plain and SSE stream), `POST /v1/completions` (legacy) and `GET /v1/models`, so any OpenAI
/// client works by changing its `base_url`. `model` picks the provider (a model a provider
/// serves, or `provider/model`); retries and fallback apply as for `/v1/chat`; every call is
/// stored in `interactions`.
struct OpenAIController: Sendable {
    let calls: ProviderCallDependencies
    let catalog: ModelCatalog
    /// Fetches http(s) `image_url`s (issue 15); `nil`: only `data:` URLs are accepted.
    var imageFetcher: ImageFetcher? = nil

    static let chatRoute = "/v1/chat/completions"
    static let completionsRoute = "/v1/completions"

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("chat/completions", use: chatCompletions)
        group.post("completions", use: completions)
        group.get("models", use: models)
    }

    /// Which shape a call answers in.
    enum Flavour: Sendable {
        case chat
        case text

        var route: String { self == .chat ? OpenAIController.chatRoute : OpenAIController.completionsRoute }
        var idPrefix: String { self == .chat ? "chatcmpl-" : "cmpl-" }
    }

    @Sendable func chatCompletions(request: Request, context: ChatRequestContext) async throws -> Response {
        let body = try await calls.body(of: request)
        return try await handle(OpenAIChatRequest(chatJSON: body.readableBytesView), flavour: .chat, context: context)
    }

    @Sendable func completions(request: Request, context: ChatRequestContext) async throws -> Response {
        let body = try await calls.body(of: request)
        return try await handle(
            OpenAIChatRequest(completionJSON: body.readableBytesView), flavour: .text, context: context)
    }

    @Sendable func models(request: Request, context: ChatRequestContext) async throws -> Response {
        var seen = Set<String>()
        var models: [OpenAIWire.Model] = []
        let entries = await context.timing.upstream { await catalog.entries(logger: context.logger) }
        for entry in entries where seen.insert(entry.model.id).inserted {
            models.append(
                OpenAIWire.Model(
                    id: entry.model.id,
                    created: Int((entry.model.created ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970),
                    owned_by: entry.provider.rawValue))
        }
        return try JSONResponse.make(.ok, OpenAIWire.ModelList(data: models))
    }

    private func handle(
        _ openAI: OpenAIChatRequest, flavour: Flavour, context: ChatRequestContext
    ) async throws -> Response {
        let start = CallStart(context: context)
        let logger = start.logger

        let user = try openAI.validatedUser()
        try calls.recorder.admit(logger: logger)
        guard let target = await catalog.resolve(openAI.model, timing: context.timing, logger: logger) else {
            var error = APIError(
                status: .notFound, code: "model_not_found",
                message: "The model `\(openAI.model)` does not exist or is not served by any configured provider.")
            error.param = "model"
            throw error
        }
        var call = CallRecord(
            start, context: context, route: flavour.route, userId: context.userID(fromBody: user),
            prompt: openAI.lastUserMessage, messages: flavour == .chat ? openAI.messages : nil,
            stream: openAI.stream, firstProvider: target.provider, firstModel: target.model)
        let route = ProviderRoute(first: target.provider, model: target.model, allowFallback: true)
        // Tools, response format and images (fetched now): a 400 here stores nothing.
        let completionRequest = try await completionRequest(for: openAI, route: route, logger: logger)
        if flavour == .chat {
            call.messages = completionRequest.messages
            call.features = InteractionFeatures(openAI.features)
        }
        let deadline = calls.deadline(of: start)

        if openAI.stream {
            return try await stream(
                completionRequest, route: route, deadline: deadline, call: call, openAI: openAI, flavour: flavour,
                context: context, logger: logger)
        }

        let chain = calls.chain
        let (result, clientLeft) = await context.whileClientStays { [timing = context.timing, logger] in
            await chain.complete(completionRequest, route: route, deadline: deadline, timing: timing, logger: logger)
        }
        if clientLeft {
            try await calls.recorder.recordClientDisconnected(
                result, of: call, promptMessages: completionRequest.messages, timing: context.timing, logger: logger)
        }
        var document = Interaction(
            call: call, result: result, promptMessages: completionRequest.messages, answeredAt: Date())
        document.addFeatures(of: call, completion: result.completion)
        let interaction = try await calls.recorder.record(
            document, answered: result.isSuccess, timing: context.timing, logger: logger)
        switch result {
        case .failure(let failure):
            logger.warning(
                "completion failed", metadata: ["reason": "\(failure.reason)", "detail": "\(failure.message)"])
            throw APIError(openAIFailure: failure)
        case .success(let success):
            let usage = OpenAIWire.Usage(interaction.usage)
            let created = Int(start.requestedAt.timeIntervalSince1970)
            let finish = success.completion.finishReason.rawValue
            switch flavour {
            case .chat:
                return try JSONResponse.make(
                    .ok,
                    OpenAIWire.ChatCompletion(
                        id: flavour.idPrefix + start.id, created: created, model: success.model,
                        choices: [
                            .init(
                                message: .init(
                                    completion: success.completion,
                                    parallelToolCalls: openAI.features.parallelToolCalls),
                                finish_reason: finish)
                        ],
                        usage: usage))
            case .text:
                return try JSONResponse.make(
                    .ok,
                    OpenAIWire.TextCompletion(
                        id: flavour.idPrefix + start.id, created: created, model: success.model,
                        choices: [.init(text: success.completion.text, finish_reason: finish)], usage: usage))
            }
        }
    }
}

extension OpenAIWire.Usage {
    init(_ usage: InteractionUsage) {
        self.init(
            prompt_tokens: Int(usage.promptTokens), completion_tokens: Int(usage.completionTokens),
            total_tokens: Int(usage.totalTokens))
    }
}

extension APIError {
    /// What an OpenAI SDK should see when the chain failed: 429 (with the provider's delay) when
    /// every attempt was rate limited, 404 `model_not_found` when every provider said the model
    /// does not exist, 504 when the deadline passed, else 502 listing the attempts.
    init(openAIFailure failure: ChainFailure) {
        self.init(failure: failure)
        guard let statuses = failure.statusOfEveryAttempt else { return }
        if statuses.allSatisfy({ $0 == 429 }) {
            status = .tooManyRequests
            code = "rate_limit_exceeded"
            retryAfter = failure.retryAfter ?? .seconds(1)
        } else if statuses.allSatisfy({ $0 == 404 }) {
            status = .notFound
            code = "model_not_found"
            param = "model"
        }
    }
}
