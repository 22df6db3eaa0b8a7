import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Persistence
import Providers

/// Ollama's own generation API for Ollama clients (SPEC §7, protocols.md §2): `POST /api/chat`
/// and `POST /api/generate`, streamed as NDJSON unless `"stream": false`. The body goes upstream
/// with every field the client sent (plus the default `keep_alive`), the answer comes back byte
/// for byte; in between the gateway authenticates, keeps model residency, retries and falls back
/// among the `ollama`-kind providers until the first byte, and stores the call.
struct OllamaNativeController: Sendable {
    let calls: ProviderCallDependencies
    let residency: ModelResidency

    static let userIDHeader = HTTPField.Name("X-User-Id")!

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("chat") { request, context in try await handle(.chat, request: request, context: context) }
        group.post("generate") { request, context in try await handle(.generate, request: request, context: context) }
    }

    private func handle(
        _ endpoint: OllamaNativeEndpoint, request: Request, context: ChatRequestContext
    ) async throws -> Response {
        let start = CallStart(context: context)
        let bytes = try await calls.body(of: request)
        var native = try OllamaNativeRequest(endpoint: endpoint, json: bytes.readableBytesView)
        native.setKeepAliveIfAbsent(residency.defaultKeepAlive(for: native.model))
        try calls.recorder.admit(logger: context.logger)

        let logger = start.logger
        let userID = request.headers[Self.userIDHeader].flatMap { $0.isEmpty ? nil : $0 }
        let call = CallRecord(
            start, context: context, route: endpoint.rawValue, userId: userID ?? context.client?.name ?? "anonymous",
            prompt: native.prompt, stream: native.stream,
            firstProvider: calls.chain.ollamaProviders.first?.name ?? calls.chain.providerNames[0],
            firstModel: native.model)
        let deadline = calls.deadline(of: start)

        let lease: HeavyModelLease?
        do throws(ModelResidencyError) {
            lease = try await residency.prepare(model: native.model, deadline: deadline, logger: logger)
        } catch {
            let failure = ChainFailure(
                reason: error.kind == .timedOut ? .deadlineExceeded : .allProvidersFailed, attempts: [],
                provider: call.firstProvider, model: native.model, message: error.message, retryAfter: nil)
            try await record(.failure(failure), call: call, native: native, timing: context.timing, logger: logger)
            throw APIError(residency: error)
        }
        if native.stream {
            return try await stream(
                native, call: call, lease: lease, deadline: deadline, context: context, logger: logger)
        }
        defer { lease?.release() }
        let result = await context.timing.upstream {
            await calls.chain.ollamaNative(model: native.model, deadline: deadline, logger: logger) {
                ollama, timeout throws(ProviderError) in
                try await ollama.native(
                    endpoint, body: native.body, model: native.model, timeout: timeout, logger: logger)
            }
        }
        switch result {
        case .failure(let failure):
            try await record(.failure(failure), call: call, native: native, timing: context.timing, logger: logger)
            logger.warning(
                "ollama call failed", metadata: ["reason": "\(failure.reason)", "detail": "\(failure.message)"])
            throw APIError(ollamaFailure: failure)
        case .success(let answer):
            var read = OllamaNativeAnswer(endpoint: endpoint)
            read.add(line: answer.value.readableBytesView)
            let success = ChainSuccess(
                completion: read.completion(requestedModel: native.model), provider: answer.provider,
                model: answer.model, attempts: answer.attempts, fallback: answer.fallback)
            try await record(.success(success), call: call, native: native, timing: context.timing, logger: logger)
            return Response(
                status: .ok, headers: [.contentType: JSONResponse.contentType], body: .init(byteBuffer: answer.value))
        }
    }

    /// Stores the document of a call the chain finished, with the messages as the client sent them.
    @discardableResult
    func record(
        _ result: ChainResult, call: CallRecord, native: OllamaNativeRequest, timing: RequestTiming, logger: Logger,
        adjust: (inout Interaction) -> Void = { _ in }
    ) async throws(APIError) -> Interaction {
        var interaction = Interaction(
            call: call, result: result, promptMessages: native.promptMessages, answeredAt: Date())
        interaction.messages = native.messages
        if let toolCalls = result.completion?.toolCalls, !toolCalls.isEmpty {
            interaction.toolCalls = toolCalls.map {
                InteractionToolCall(id: $0.id, name: $0.name, arguments: $0.arguments)
            }
        }
        adjust(&interaction)
        try await calls.recorder.record(interaction, answered: result.isSuccess, timing: timing, logger: logger)
        return interaction
    }
}
