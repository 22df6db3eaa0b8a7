import AsyncHTTPClient
import Hummingbird
import Logging
import MongoDriver
import NIOPosix
import Persistence
import Providers
import ServiceLifecycle

/// Builds the whole service from its configuration: the MongoDB pool and interaction store, the
/// shared HTTP client and provider chain, the routes, and the long-running resources service.
///
/// The executable calls it and runs the result; tests call it and drive it with `app.test(...)`.
/// Throws `ConfigurationError` for values only a dependency can judge (e.g. a malformed MONGODB_URI).
/// `providerClock` and `retrySleep` time the providers and the chain's backoff; tests pass their own
/// so timeouts and `Retry-After` waits need not pass in real time. `leadingServices` (the trace
/// exporter) start first and stop last, after the server has drained.
public func buildApplication(
    configuration: ServiceConfiguration, logger: Logger? = nil,
    providerClock: ProviderClock = .continuous, retrySleep: ProviderChain.Sleep? = nil,
    leadingServices: [any Service] = []
) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "chat-service")
    logger.logLevel = configuration.logLevel

    // The fallible parts first (the OpenAPI resource is read, the pool parses the URI, the spool
    // opens its directory), so a failure leaves nothing running: the thread pool is shut down
    // again and the pool closed. Nothing after the spool can fail.
    let metrics = ServiceMetrics()
    let router = Router(context: ChatRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: RequestIDMiddleware())
    if configuration.exportsTraces {
        // The server span of each request, a child of the caller's `traceparent` when it sent one.
        router.add(middleware: TracingMiddleware())
    }
    router.add(middleware: TraceIDMiddleware())
    router.add(middleware: UnknownRouteMiddleware())
    if configuration.servesDocs {
        try OpenAPIController().addRoutes(to: router)
        try DocsPageController().addRoutes(to: router)
    }
    let threadPool = NIOThreadPool(numberOfThreads: 4)
    threadPool.start()
    let pool: MongoClientPool
    do {
        pool = try MongoClientPool(
            uri: configuration.mongoURI, logger: logger,
            serverSelectionTimeoutMS: WriteAheadInteractionLog.writePathServerSelectionTimeoutMS)
    } catch {
        try? await threadPool.shutdownGracefully()
        throw ConfigurationError(variable: "MONGODB_URI", reason: "is not a valid MongoDB URI: \(error.message)")
    }
    if let refusal = await MongoDatabase(pool: pool, name: configuration.mongoDatabase, threadPool: threadPool)
        .startupRefusal()
    {
        // Credentials or privileges MongoDB refuses: every call would pile up in the local log.
        await pool.close(on: threadPool)
        try? await threadPool.shutdownGracefully()
        throw ConfigurationError(variable: "MONGODB_URI", reason: "is refused by MongoDB: \(refusal.message)")
    }
    let spool: InteractionSpool
    do {
        spool = try await InteractionSpool.open(
            directory: configuration.spoolDirectory, maxBytes: configuration.spoolMaxBytes,
            segmentBytes: min(InteractionSpool.defaultSegmentBytes, max(64 * 1024, configuration.spoolMaxBytes / 16)),
            threadPool: threadPool, logger: logger, syncObserver: { metrics.recordLogSync($0) })
    } catch {
        await pool.close(on: threadPool)
        try? await threadPool.shutdownGracefully()
        throw ConfigurationError(variable: "SPOOL_DIR", reason: "cannot be used as the spool: \(error.message)")
    }
    logger.info(
        "writing interactions to the write-ahead log, shipped to MongoDB",
        metadata: [
            "database": "\(configuration.mongoDatabase)", "write_concern": "\(pool.writeConcern)",
            "durability": "\(configuration.durability.rawValue)", "log": "\(configuration.spoolDirectory)",
            "server_selection_timeout_ms": "\(pool.serverSelectionTimeoutMS)",
        ])
    let database = MongoDatabase(pool: pool, name: configuration.mongoDatabase, threadPool: threadPool)
    let store = InteractionStore(database: database, logger: logger)
    let interactionLog = WriteAheadInteractionLog(
        spool: spool, store: store, durability: configuration.durability, logger: logger)

    let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .forProviders(connectionsPerProvider: configuration.providerConnections))
    // As many permits per host as the pool has connections: a call waits for one before its
    // attempt's clock starts, so AsyncHTTPClient never queues it inside the attempt's timeout.
    let connectionGates = ProviderConnectionGates(connectionsPerHost: configuration.providerConnections)
    let providers: [any ChatProvider] = configuration.providerSettings.map { settings in
        switch settings.kind {
        case .gemini:
            return GeminiProvider(
                name: settings.name, httpClient: httpClient, baseURL: settings.baseURL, apiKey: settings.apiKey ?? "",
                defaultModel: settings.model, clock: providerClock, connectionGates: connectionGates)
        case .ollama:
            return OllamaProvider(
                name: settings.name, httpClient: httpClient, baseURL: settings.baseURL, defaultModel: settings.model,
                clock: providerClock, connectionGates: connectionGates)
        case .openai, .azure:
            // ServiceConfiguration guarantees the URL and model (and Azure's key) are set.
            return OpenAIProvider(
                name: settings.name,
                dialect: settings.kind == .azure ? .azure(apiVersion: settings.apiVersion) : .openAI,
                httpClient: httpClient, baseURL: settings.baseURL, apiKey: settings.apiKey,
                defaultModel: settings.model, clock: providerClock, connectionGates: connectionGates)
        }
    }
    let chain = ProviderChain(
        providers: providers,
        retryPolicy: RetryPolicy(
            maxAttempts: configuration.retry.maxAttempts, baseDelay: configuration.retry.baseDelay,
            maxDelay: configuration.retry.maxDelay),
        providerTimeout: configuration.providerTimeout, clock: providerClock, sleep: retrySleep)

    MetricsController(metrics: metrics, spoolStatistics: { spool.statistics }, shippingLag: { spool.shippingLag })
        .addRoutes(to: router)
    let mongoRefusal = MongoWriteRefusal()
    HealthController(
        databaseIsReachable: { await store.ping(timeout: .seconds(1)) }, mongoRefusal: { mongoRefusal.current },
        spoolStatus: { (spool.statistics, spool.admissionRefusal() == nil) },
        shippingLag: { spool.shippingLag }
    ).addRoutes(to: router)
    let recorder = InteractionRecorder(
        log: interactionLog, metrics: metrics,
        pricing: CallPricing(
            prices: configuration.prices,
            freeProviders: Set(providers.filter { $0.kind == .ollama }.map(\.name.rawValue))))
    let keys = APIKeyStore(database: database)
    let keyCache = APIKeyCache()
    let adminKeyHash = configuration.adminAPIKey.map(APIKeyHash.hex(of:))
    let limitCounters = LimitCounterStore(database: database)
    let limiter = KeyLimiter(counters: limitCounters, windowLength: configuration.limitWindow, metrics: metrics)
    let authenticator = APIKeyAuthenticator(
        adminKeyHash: adminKeyHash, keys: keys, cache: keyCache, limiter: limiter)
    if let adminKeyHash {
        AdminKeysController(keys: keys, cache: keyCache, maxBodyBytes: configuration.maxBodyBytes, limiter: limiter)
            .addRoutes(to: router.group("admin").add(middleware: AdminAuthenticator(adminKeyHash: adminKeyHash)))
    } else {
        logger.warning(
            "ADMIN_API_KEY is not set: API keys are off and every /v1 route is open to anyone who can reach \(configuration.host):\(configuration.port)"
        )
    }

    let calls = ProviderCallDependencies(
        chain: chain, recorder: recorder, requestTimeout: configuration.requestTimeout,
        maxBodyBytes: configuration.maxBodyBytes)
    let native = router.group("v1").add(middleware: authenticator)
    ChatController(calls: calls).addRoutes(to: native)
    // The admin key opens admin routes only; `GET /v1/usage` is the one client route it may read.
    UsageController(store: store).addRoutes(to: router.group("v1").add(middleware: authenticator.admittingAdminKey()))
    let openAI = router.group("v1").add(middleware: APIErrorMiddleware(dialect: .openAI)).add(middleware: authenticator)
    OpenAIController(
        calls: calls, catalog: ModelCatalog(providers: providers),
        imageFetcher: ImageFetcher(httpClient: httpClient, settings: configuration.imageFetch)
    ).addRoutes(to: openAI)
    let catalog = ModelCatalog(providers: providers)
    ProvidersController(chain: chain, catalog: catalog, prices: configuration.prices).addRoutes(to: native)
    EmbeddingsController(calls: calls, catalog: catalog).addRoutes(to: openAI)
    ImagesController(calls: calls, catalog: catalog).addRoutes(to: openAI)
    // Ollama's own API and model residency (SPEC §7): /api/*, /preload, the always-on watch.
    let ollamaGateway = OllamaGateway(
        calls: calls, settings: configuration.modelResidency, metrics: metrics, clock: providerClock, logger: logger)
    ollamaGateway.addRoutes(to: router, authenticator: authenticator)

    var accountServices: [any Service] = []
    if configuration.allowRegistration {
        let hasher = PasswordHasher()
        accountServices.append(hasher)
        let accounts = AccountsController(
            users: UserStore(database: database), keys: keys, counters: limitCounters, store: store, hasher: hasher,
            metrics: metrics, maxBodyBytes: configuration.maxBodyBytes, loginWindow: configuration.limitWindow)
        accounts.addRoutes(to: router)
        accounts.addUsageRoute(to: router.group("user").add(middleware: authenticator))
    }
    if configuration.limitWindow != .seconds(60) {
        logger.warning(
            "RATE_LIMIT_WINDOW_SECONDS is set (tests only): a limit's window is \(configuration.limitWindow)")
    }

    // Shutdown runs in reverse: the server drains (every in-flight call ends in the write-ahead
    // log), the shipper flushes the log and ships what MongoDB takes within a few seconds, then
    // the pools close. The rest of the log ships at the next start.
    let services: [any Service] =
        [
            ServiceResources(httpClient: httpClient, mongoPool: pool, threadPool: threadPool, logger: logger),
            InteractionStoreService(store: store),
            LogShipperService(
                log: interactionLog,
                shipmentObserver: { records, duration, acknowledged in
                    metrics.recordFlush(batchSize: records, duration: duration, stored: acknowledged)
                }, refusal: mongoRefusal),
            // Listed last, so at shutdown it gives back the unused slices of limit windows first,
            // while the MongoDB pool is still open.
            LimitLeaseService(limiter: limiter, logger: logger),
        ] + ollamaGateway.services
    return Application(
        router: router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [ParseErrorAnswer(), ClientConnectionWatch()],
                idleTimeout: .milliseconds(configuration.idleTimeout.milliseconds))),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "chat-service"),
        services: leadingServices + accountServices + services,
        logger: logger)
}
