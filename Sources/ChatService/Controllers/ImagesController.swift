import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Persistence
import Providers

/// `POST /v1/images/generations` (SPEC §3.2, protocols.md §5.3) for OpenAI-compatible and Azure
/// upstreams, with the chain's retry and fallback over the providers that can draw; every call is
/// stored with its prompt and `extra.n/size/quality` (and cost, when priced), never the images.
struct ImagesController: Sendable {
    let calls: ProviderCallDependencies
    let catalog: ModelCatalog

    static let route = "/v1/images/generations"

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.post("images/generations", use: generate)
    }

    @Sendable func generate(request: Request, context: ChatRequestContext) async throws -> Response {
        let start = CallStart(context: context)
        let logger = start.logger
        let body = try await calls.body(of: request)
        let images = try OpenAIImageRequest(json: body.readableBytesView)
        let route = try await catalog.route(
            for: images.model, among: calls.chain.imageProviders, configured: calls.chain.providers,
            ability: "generate images", hint: "; image generation needs an OpenAI-compatible or Azure provider",
            timing: context.timing, logger: logger)
        try calls.recorder.admit(logger: logger)

        let call = CallRecord(
            start, context: context, route: Self.route, userId: context.userID(fromBody: images.user),
            prompt: images.prompt, firstProvider: route.first ?? calls.chain.imageProviders[0].name,
            firstModel: images.model)
        let result = await context.timing.upstream {
            await calls.chain.generateImages(
                images.providerRequest, route: route, deadline: calls.deadline(of: start), logger: logger)
        }

        let answered = try? result.get()
        let usage = answered?.value.usage.map {
            InteractionUsage(
                promptTokens: Int32(clamping: $0.promptTokens), completionTokens: Int32(clamping: $0.completionTokens),
                totalTokens: Int32(clamping: $0.totalTokens))
        }
        let extra = InteractionExtra.images(
            n: Int32(clamping: answered?.value.images.count ?? images.n), size: images.size,
            quality: images.storedQuality)
        let answer = try await calls.recorder.record(
            result, of: call, usage: usage ?? .zero, extra: extra, failing: "image generation",
            timing: context.timing, logger: logger)
        return try JSONResponse.make(
            .ok,
            OpenAIWire.ImagesResponse(
                created: answer.value.created,
                data: answer.value.images.map {
                    .init(url: $0.url, b64_json: $0.base64JSON, revised_prompt: $0.revisedPrompt)
                },
                usage: answer.value.usage.map {
                    .init(
                        input_tokens: $0.promptTokens, output_tokens: $0.completionTokens,
                        total_tokens: $0.totalTokens)
                }))
    }
}
