import Foundation
import Hummingbird
import Logging
import NIOCore
import Providers

/// The model side of the Ollama gateway (SPEC §7): `GET /api/tags` and `GET /api/ps` proxied
/// (answers passed through as Ollama sent them, from the first `ollama`-kind provider that
/// answers), `GET /api/available_models` (seed 001's auto-discovery: every installed model with
/// its residency category and whether it is loaded) and `POST /preload`.
struct OllamaModelsController: Sendable {
    let chain: ProviderChain
    let residency: ModelResidency
    let requestTimeout: Duration
    let maxBodyBytes: Int

    func addRoutes(api: RouterGroup<ChatRequestContext>, preload: RouterGroup<ChatRequestContext>) {
        api.get("tags") { _, context in try await passThrough("/api/tags", context: context) }
        api.get("ps") { _, context in try await passThrough("/api/ps", context: context) }
        api.get("available_models", use: availableModels)
        preload.post(use: preloadModel)
    }

    private func passThrough(_ path: String, context: ChatRequestContext) async throws -> Response {
        let deadline = ContinuousClock.now + requestTimeout
        let result = await context.timing.upstream {
            await chain.ollamaNative(model: "", deadline: deadline, logger: context.logger) {
                ollama, timeout throws(ProviderError) in
                try await ollama.nativeListing(path, timeout: timeout, logger: context.logger)
            }
        }
        switch result {
        case .failure(let failure): throw APIError(ollamaFailure: failure)
        case .success(let answer):
            return Response(
                status: .ok, headers: [.contentType: JSONResponse.contentType], body: .init(byteBuffer: answer.value))
        }
    }

    /// `{"models": [{"name", "category", "loaded", "size"}]}`: the installed models of the server
    /// whose memory the gateway manages, with what `/api/ps` says is loaded.
    @Sendable func availableModels(request: Request, context: ChatRequestContext) async throws -> Response {
        guard let ollama = chain.ollamaProviders.first else { throw Self.noOllama(chain) }
        let started = ContinuousClock.now
        let timeout = min(chain.providerTimeout, requestTimeout)
        defer { context.timing.addUpstream(since: started) }
        let installed: [OllamaListedModel]
        let running: [OllamaListedModel]
        do throws(ProviderError) {
            installed = try await ollama.installedModels(timeout: timeout, logger: context.logger)
            running = try await ollama.runningModels(timeout: timeout, logger: context.logger)
        } catch {
            throw APIError(
                status: error.kind == .timeout ? .gatewayTimeout : .badGateway, code: "providers_failed",
                message: "Ollama (\(ollama.baseURL)) could not list its models: \(error)")
        }
        let models = installed.map { model in
            AvailableModels.Model(
                name: model.name, category: residency.category(of: model.name).rawValue,
                loaded: running.contains { ModelNamePattern.sameModel($0.name, model.name) }, size: model.size)
        }
        return try JSONResponse.make(.ok, AvailableModels(models: models))
    }

    /// `POST /preload {"model"}`: loads the model now (swapping out another heavy model first)
    /// and answers once it is resident.
    @Sendable func preloadModel(request: Request, context: ChatRequestContext) async throws -> Response {
        var request = request
        let bytes = try await request.collectBody(limit: maxBodyBytes)
        let body: JSONValue
        do {
            body = try JSONValue(parsing: bytes.readableBytesView)
        } catch {
            throw APIError.invalidRequest("the request body is not valid JSON: \(error)")
        }
        guard let model = body["model"]?.stringValue, !model.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.invalidRequest("model is required")
        }
        guard !chain.ollamaProviders.isEmpty else { throw Self.noOllama(chain) }
        let started = ContinuousClock.now
        defer { context.timing.addUpstream(since: started) }
        let unloaded: [String]
        do throws(ModelResidencyError) {
            unloaded = try await residency.preload(
                model: model, deadline: started + requestTimeout, logger: context.logger)
        } catch {
            throw APIError(residency: error)
        }
        return try JSONResponse.make(.ok, Preloaded(model: model, loaded: true, unloaded: unloaded))
    }

    static func noOllama(_ chain: ProviderChain) -> APIError {
        let configured = chain.providers.map { "\($0.name)" }.joined(separator: ",")
        return APIError(
            status: .badGateway, code: "providers_failed",
            message: "no ollama-kind provider is configured (PROVIDERS = \(configured))")
    }

    /// `GET /api/available_models`' body.
    struct AvailableModels: Encodable {
        struct Model: Encodable {
            var name: String
            var category: String
            var loaded: Bool
            var size: Int64
        }
        var models: [Model]
    }

    /// `POST /preload`'s body.
    struct Preloaded: Encodable {
        var model: String
        var loaded: Bool
        var unloaded: [String]
    }
}
