import Hummingbird
import Logging
import Providers
import ServiceLifecycle

/// The Ollama-native gateway of SPEC §7, put together once for `buildApplication`: the model
/// residency of the first `ollama`-kind provider, its always-on watch, and the `/api/*` and
/// `/preload` routes (client key required when keys are on; errors in Ollama's shape).
struct OllamaGateway: Sendable {
    let residency: ModelResidency
    let native: OllamaNativeController
    let models: OllamaModelsController
    /// `nil` when no `ollama`-kind provider is configured (the routes then answer 502).
    let residencyService: ModelResidencyService?

    init(
        calls: ProviderCallDependencies, settings: ModelResidencySettings, metrics: ServiceMetrics,
        clock: ProviderClock, logger: Logger
    ) {
        let chain = calls.chain
        let primary = chain.ollamaProviders.first
        // Without an Ollama server there is nothing to keep resident; the routes say so (502).
        let backend: any OllamaResidencyBackend = primary ?? UnconfiguredOllama()
        let residency = ModelResidency(
            settings: settings, backend: backend, clock: clock, callTimeout: chain.providerTimeout, metrics: metrics)
        self.residency = residency
        native = OllamaNativeController(calls: calls, residency: residency)
        models = OllamaModelsController(
            chain: chain, residency: residency, requestTimeout: calls.requestTimeout, maxBodyBytes: calls.maxBodyBytes)
        residencyService = primary.map { _ in ModelResidencyService(residency: residency, clock: clock, logger: logger)
        }
        if primary == nil, !settings.alwaysOnModels.isEmpty || !settings.heavyModels.isEmpty {
            logger.warning("ALWAYS_ON_MODELS/HEAVY_MODELS are set but PROVIDERS has no ollama-kind provider")
        }
    }

    /// The background services: the always-on watch, when there is an Ollama server.
    var services: [any Service] { residencyService.map { [$0] } ?? [] }

    /// `/api/chat`, `/api/generate`, `/api/tags`, `/api/ps`, `/api/available_models` and
    /// `/preload`, behind `authenticator`.
    func addRoutes(to router: Router<ChatRequestContext>, authenticator: some RouterMiddleware<ChatRequestContext>) {
        let api = router.group("api").add(middleware: APIErrorMiddleware(dialect: .ollama)).add(
            middleware: authenticator)
        native.addRoutes(to: api)
        let preload = router.group("preload").add(middleware: APIErrorMiddleware(dialect: .ollama)).add(
            middleware: authenticator)
        models.addRoutes(api: api, preload: preload)
    }
}
