import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Persistence
import Providers

/// `POST /v1/embeddings` (SPEC §3.2, protocols.md §3.6): OpenAI's shape in and out, served by any
/// provider kind that can embed (OpenAI-compatible, Ollama `/api/embed`, Gemini
/// `batchEmbedContents`) with the chain's retry and fallback; every call is stored with
/// `extra.count`/`extra.dimensions` and never its vectors.
struct EmbeddingsController: Sendable {
    let calls: ProviderCallDependencies
    let catalog: ModelCatalog

    static let route = "/v1/embeddings"

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("embeddings", use: embeddings)
    }

    @Sendable func embeddings(request: Request, context: ChatRequestContext) async throws -> Response {
        let start = CallStart(context: context)
        let logger = start.logger
        let body = try await calls.body(of: request)
        let embedding = try OpenAIEmbeddingRequest(json: body.readableBytesView)
        try calls.recorder.admit(logger: logger)

        let route = try await catalog.route(
            for: embedding.model, among: calls.chain.embeddingProviders, configured: calls.chain.providers,
            ability: "embed texts", timing: context.timing, logger: logger)
        let call = CallRecord(
            start, context: context, route: Self.route, userId: context.userID(fromBody: embedding.user),
            prompt: embedding.prompt, firstProvider: route.first ?? calls.chain.embeddingProviders[0].name,
            firstModel: embedding.model)

        let result = await context.timing.upstream {
            await calls.chain.embed(
                EmbeddingRequest(inputs: embedding.inputs, dimensions: embedding.dimensions), route: route,
                deadline: calls.deadline(of: start), logger: logger)
        }

        let answered = try? result.get()
        let usage = InteractionUsage(inputTokens: answered?.value.usage?.promptTokens, estimating: embedding.inputs)
        let extra = answered.map {
            InteractionExtra.embeddings(
                count: Int32(clamping: $0.value.vectors.count), dimensions: Int32(clamping: $0.value.dimensions))
        }
        let answer = try await calls.recorder.record(
            result, of: call, usage: usage, extra: extra, failing: "embeddings", timing: context.timing, logger: logger)
        var buffer = ByteBuffer()
        EmbeddingListBody.write(
            answer.value, model: answer.model, format: embedding.encodingFormat,
            promptTokens: Int(usage.promptTokens), into: &buffer)
        return Response(status: .ok, headers: [.contentType: JSONResponse.contentType], body: .init(byteBuffer: buffer))
    }
}
