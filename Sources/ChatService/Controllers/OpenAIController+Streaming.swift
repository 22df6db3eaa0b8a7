import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Persistence
import Providers

extension OpenAIController {
    /// Streams an answer as SSE. Retries and fallback run until the first chunk exists; only then
    /// are headers sent. Chunks are forwarded as they arrive. When the stream ends the document
    /// is written (full text, final usage) before `data: [DONE]`; an upstream failure after the
    /// first byte ends the stream with an error event; a client that goes away cancels the
    /// upstream request and its partial answer is stored as `client_disconnected`.
    /// `timing` gets the time to the first chunk as upstream (the `Server-Timing` head goes out
    /// then); the document's store time comes after the head and is not in it.
    func stream(
        _ request: CompletionRequest, route: ProviderRoute, deadline: ContinuousClock.Instant, call: CallRecord,
        openAI: OpenAIChatRequest, flavour: Flavour, context: ChatRequestContext, logger: Logger
    ) async throws -> Response {
        let timing = context.timing
        let chain = calls.chain
        let (started, clientLeft) = await timing.upstream {
            await context.whileClientStays { [logger] in
                await chain.stream(request, route: route, deadline: deadline, logger: logger)
            }
        }
        if clientLeft {
            // The client left before the first byte: nothing was sent, so the call is stored
            // (with the first chunk, if it had arrived) and the provider's stream is dropped.
            try await calls.recorder.recordClientDisconnected(
                started.beforeFirstByte, of: call, promptMessages: request.messages, timing: timing, logger: logger)
        }
        let success: StreamingChainSuccess
        switch started {
        case .failure(let failure):
            try await calls.recorder.record(
                .failure(failure), of: call, promptMessages: request.messages, timing: timing, logger: logger)
            logger.warning("stream failed before its first byte", metadata: ["detail": "\(failure.message)"])
            throw APIError(openAIFailure: failure)
        case .success(let value):
            success = value
        }

        let recorder = calls.recorder
        let id = flavour.idPrefix + call.id
        let created = Int(call.requestedAt.timeIntervalSince1970)
        let frames = StreamFrames(
            id: id, created: created, model: success.model, flavour: flavour, includeUsage: openAI.includeUsage)
        let toolFrames = ToolCallStreamFrames(
            id: id, created: created, model: success.model, includeUsage: openAI.includeUsage,
            firstCallOnly: openAI.features.parallelToolCalls == false)
        // Stores the call if Hummingbird never runs the body (the client left before the head).
        let (provider, model, attempts, fallback) = (
            success.provider, success.model, success.attempts, success.fallback
        )
        let unwritten = UnwrittenBodyGuard { [timing, logger] in
            var interaction = Interaction(
                call: call,
                result: .success(
                    ChainSuccess(
                        completion: CompletionAccumulator().completion(requestedModel: model), provider: provider,
                        model: model, attempts: attempts, fallback: fallback)),
                promptMessages: request.messages, answeredAt: Date())
            interaction.markClientDisconnected(UnwrittenBodyGuard.message)
            logger.notice("client disconnected before the stream's head; upstream request cancelled")
            _ = try? await recorder.record(interaction, answered: false, timing: timing, logger: logger)
        }
        let body = ResponseBody { writer in
            unwritten.bodyStarted()
            var events = ServerSentEventWriter(writer)
            var accumulator = CompletionAccumulator()
            var outcome = StreamOutcome.completed
            do {
                if flavour == .chat { try await events.send(frames.roleChunk()) }
                do {
                    for try await chunk in success.stream {
                        accumulator.add(chunk)
                        if !chunk.textDelta.isEmpty {
                            try await events.send(frames.contentChunk(chunk.textDelta))
                        }
                        for toolChunk in toolFrames.chunks(for: chunk.toolCalls) {
                            try await events.send(toolChunk)
                        }
                    }
                } catch let error as ProviderError {
                    outcome = .upstreamFailed(error)
                }
            } catch {
                // Writing to the client failed: it went away. Leaving the loop drops the
                // provider stream, which cancels the upstream request.
                outcome = .clientDisconnected
            }

            let completion = accumulator.completion(requestedModel: success.model)
            var interaction = Interaction(
                call: call,
                result: .success(
                    ChainSuccess(
                        completion: completion, provider: success.provider, model: success.model,
                        attempts: success.attempts, fallback: success.fallback)),
                promptMessages: request.messages, answeredAt: Date())
            interaction.addFeatures(of: call, completion: completion)
            switch outcome {
            case .completed:
                break
            case .upstreamFailed(let error):
                interaction.status = .error
                interaction.error = InteractionError(code: "upstream_failed", message: error.description)
                logger.error("upstream failed mid-stream", metadata: ["error": "\(error)"])
            case .clientDisconnected:
                interaction.status = .error
                interaction.error = InteractionError(
                    code: "client_disconnected", message: "the client closed the connection mid-stream")
                logger.notice("client disconnected mid-stream; upstream request cancelled")
            }
            let storage: APIError?
            do throws(APIError) {
                try await recorder.record(interaction, answered: true, timing: timing, logger: logger)
                storage = nil
            } catch {
                storage = error
            }
            if case .clientDisconnected = outcome { return }
            do {
                if case .upstreamFailed(let error) = outcome {
                    try await events.send(
                        OpenAIWire.ErrorBody(
                            error: .init(
                                message: "the upstream provider failed mid-stream: \(error.message)",
                                type: "server_error", param: nil, code: "upstream_failed")))
                } else if let storage {
                    try await events.send(APIErrorDialect.openAIBody(for: storage))
                } else {
                    try await events.send(frames.finishChunk(completion.finishReason))
                    if openAI.includeUsage {
                        try await events.send(frames.usageChunk(OpenAIWire.Usage(interaction.usage)))
                    }
                    try await events.sendDone()
                }
                try await events.finish()
            } catch {
                logger.notice("client went away before the end of the stream")
            }
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
            body: body)
    }
}

/// How a stream ended.
private enum StreamOutcome {
    case completed
    case upstreamFailed(ProviderError)
    case clientDisconnected
}

/// Builds the SSE chunks of one stream in the flavour (chat or legacy text) it answers in.
private struct StreamFrames: Sendable {
    let id: String
    let created: Int
    let model: String
    let flavour: OpenAIController.Flavour
    let includeUsage: Bool

    func roleChunk() -> AnyEncodable {
        chunk([OpenAIWire.ChatChunkChoice(delta: .init(role: "assistant", content: ""), finish_reason: nil)])
    }

    func contentChunk(_ text: String) -> AnyEncodable {
        switch flavour {
        case .chat: return chunk([OpenAIWire.ChatChunkChoice(delta: .init(content: text), finish_reason: nil)])
        case .text: return chunk([OpenAIWire.TextCompletion.Choice(text: text, finish_reason: nil)])
        }
    }

    func finishChunk(_ reason: FinishReason) -> AnyEncodable {
        switch flavour {
        case .chat: return chunk([OpenAIWire.ChatChunkChoice(delta: .init(), finish_reason: reason.rawValue)])
        case .text: return chunk([OpenAIWire.TextCompletion.Choice(text: "", finish_reason: reason.rawValue)])
        }
    }

    /// The last chunk with `include_usage`: no choices, the usage of the whole answer.
    func usageChunk(_ usage: OpenAIWire.Usage) -> AnyEncodable {
        switch flavour {
        case .chat: return chunk([OpenAIWire.ChatChunkChoice](), usage: usage)
        case .text: return chunk([OpenAIWire.TextCompletion.Choice](), usage: usage)
        }
    }

    private func chunk<Choice: OpenAIWire.StreamChoice>(
        _ choices: [Choice], usage: OpenAIWire.Usage? = nil
    ) -> AnyEncodable {
        AnyEncodable(
            OpenAIWire.StreamChunk(
                id: id, created: created, model: model, choices: choices, usage: usage, includeUsageKey: includeUsage))
    }
}

/// Type erasure so one function can return either flavour's chunk.
private struct AnyEncodable: Encodable, Sendable {
    private let encodeValue: @Sendable (any Encoder) throws -> Void

    init(_ value: some Encodable & Sendable) {
        encodeValue = { try value.encode(to: $0) }
    }

    func encode(to encoder: any Encoder) throws {
        try encodeValue(encoder)
    }
}
