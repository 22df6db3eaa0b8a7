import AsyncHTTPClient
import Hummingbird
import Logging
import NIOPosix
import Persistence
import Providers
import ServiceLifecycle

/// Builds the whole service from its configuration: the MongoDB pool and interaction store, the
/// shared HTTP client and provider chain, the routes, and the long-running resources service.
///
/// The executable calls it and runs the result; tests call it and drive it with `app.test(...)`.
/// Throws `ConfigurationError` for values only a dependency can judge (e.g. a malformed MONGODB_URI).
public func buildApplication(
    configuration: ServiceConfiguration, logger: Logger? = nil
) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "chat-service")
    logger.logLevel = configuration.logLevel

    let threadPool = NIOThreadPool(numberOfThreads: 4)
    threadPool.start()
    let pool: MongoClientPool
    do {
        pool = try MongoClientPool(uri: configuration.mongoURI, logger: logger)
    } catch {
        try? await threadPool.shutdownGracefully()
        throw ConfigurationError(variable: "MONGODB_URI", reason: "is not a valid MongoDB URI: \(error.message)")
    }
    let store = InteractionStore(
        pool: pool, databaseName: configuration.mongoDatabase, threadPool: threadPool, logger: logger)

    let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .forProviders())
    let providers: [any ChatProvider] = configuration.providers.map { name in
        switch name {
        case .gemini:
            return GeminiProvider(
                httpClient: httpClient, baseURL: configuration.gemini.baseURL,
                apiKey: configuration.gemini.apiKey ?? "", defaultModel: configuration.gemini.model)
        case .ollama, .openai:
            // `openai` is rejected by ServiceConfiguration until its provider lands.
            return OllamaProvider(
                httpClient: httpClient, baseURL: configuration.ollama.baseURL,
                defaultModel: configuration.ollama.model)
        }
    }
    let chain = ProviderChain(
        providers: providers,
        retryPolicy: RetryPolicy(
            maxAttempts: configuration.retry.maxAttempts, baseDelay: configuration.retry.baseDelay,
            maxDelay: configuration.retry.maxDelay),
        providerTimeout: configuration.providerTimeout)

    let router = Router(context: ChatRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    HealthController(databaseIsReachable: { await store.ping(timeout: .seconds(1)) }).addRoutes(to: router)
    ChatController(
        chain: chain, interactionLog: store, requestTimeout: configuration.requestTimeout,
        maxBodyBytes: configuration.maxBodyBytes
    ).addRoutes(to: router)

    // Shutdown runs in reverse: the server drains, then the store flushes, then the pools close.
    let services: [any Service] = [
        ServiceResources(httpClient: httpClient, threadPool: threadPool, logger: logger),
        InteractionStoreService(store: store),
    ]
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "chat-service"),
        services: services,
        logger: logger)
}
