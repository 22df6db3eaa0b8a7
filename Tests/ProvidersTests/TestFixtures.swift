import AsyncHTTPClient
import Logging
import Providers
import TestSupport

/// A running `ProviderDouble`, a shared `HTTPClient` configured as the service configures it, and
/// one provider of each kind pointed at the double.
struct DoubleFixture: Sendable {
    let double: ProviderDouble
    let httpClient: HTTPClient
    let gemini: GeminiProvider
    let ollama: OllamaProvider
    /// Pointed at `{double}/v1`, the way `OPENAI_BASE_URL` includes the version segment.
    let openAI: OpenAIProvider
    /// The clock every provider and chain here times with; a test moves it forward to make a
    /// timeout or deadline pass without waiting for it.
    let clock: AdjustableClock

    static let geminiKey = "test-key"
    static let openAIKey = "sk-test"
    static let azureKey = "azure-key-0123"
    /// Logs at trace level into a no-op handler: every log statement runs, nothing is printed.
    static let logger: Logger = {
        var logger = Logger(label: "ProvidersTests", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .trace
        return logger
    }()

    /// Starts everything, runs `body`, and shuts everything down even if `body` throws.
    static func with<T: Sendable>(
        configuration: ProviderDouble.Configuration = .init(geminiAPIKey: geminiKey),
        _ body: (DoubleFixture) async throws -> T
    ) async throws -> T {
        let double = try await ProviderDouble.start(configuration: configuration)
        let httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .forProviders())
        let clock = AdjustableClock()
        let providerClock = ProviderClock(clock)
        let fixture = DoubleFixture(
            double: double,
            httpClient: httpClient,
            gemini: GeminiProvider(
                httpClient: httpClient, baseURL: double.baseURL, apiKey: geminiKey, defaultModel: "gemini-2.0-flash",
                clock: providerClock),
            ollama: OllamaProvider(
                httpClient: httpClient, baseURL: double.baseURL, defaultModel: "llama3.2", clock: providerClock),
            openAI: OpenAIProvider(
                httpClient: httpClient, baseURL: double.baseURL + "/v1/", apiKey: openAIKey,
                defaultModel: "gpt-4o-mini", clock: providerClock),
            clock: clock
        )
        let result: Result<T, any Error>
        do {
            result = .success(try await body(fixture))
        } catch {
            result = .failure(error)
        }
        try await httpClient.shutdown()
        try await double.shutdown()
        return try result.get()
    }

    /// The provider that speaks `route`'s protocol.
    func provider(for route: ProviderDoubleRoute) -> any ChatProvider {
        switch route {
        case .gemini: return gemini
        case .ollama: return ollama
        case .openai: return openAI
        case .azure: return azure()
        }
    }

    /// An Azure OpenAI provider (kind `azure`) called `name`, whose resource is the double.
    func azure(
        _ name: String = "azure-west", deployment: String = "gpt-4o-mini", apiVersion: String = "2024-10-21",
        apiKey: String? = DoubleFixture.azureKey
    ) -> OpenAIProvider {
        OpenAIProvider(
            name: ProviderName(rawValue: name) ?? .openai, dialect: .azure(apiVersion: apiVersion),
            httpClient: httpClient, baseURL: double.baseURL, apiKey: apiKey, defaultModel: deployment,
            clock: ProviderClock(clock))
    }

    /// A chain over `providers` (default `[gemini, ollama]`) on the fixture's clock, whose
    /// backoff sleeps move that clock on instead of waiting, so tests stay fast.
    func chain(
        providers: [any ChatProvider]? = nil,
        maxAttempts: Int = 3,
        baseDelay: Duration = .milliseconds(1),
        maxDelay: Duration = .milliseconds(5),
        providerTimeout: Duration = .seconds(5),
        sleep: ProviderChain.Sleep? = nil
    ) -> ProviderChain {
        ProviderChain(
            providers: providers ?? [gemini, ollama],
            retryPolicy: RetryPolicy(maxAttempts: maxAttempts, baseDelay: baseDelay, maxDelay: maxDelay),
            providerTimeout: providerTimeout,
            clock: ProviderClock(clock),
            sleep: sleep ?? clock.skippingSleep
        )
    }

    /// Waits until `count` requests of `route` have reached the double, then moves the clock on by
    /// `duration`: the way a test lets a timeout or deadline pass once the attempt is in flight.
    func advance(by duration: Duration, after count: Int = 1, of route: ProviderDoubleRoute) async {
        _ = await double.requests(waitingUpTo: .seconds(10)) { requests in
            requests.filter { $0.route == route }.count >= count
        }
        clock.advance(by: duration)
    }
}

extension ChainResult {
    var success: ChainSuccess? {
        if case .success(let value) = self { return value }
        return nil
    }

    var failure: ChainFailure? {
        if case .failure(let value) = self { return value }
        return nil
    }
}

extension StreamingChainResult {
    var success: StreamingChainSuccess? {
        if case .success(let value) = self { return value }
        return nil
    }

    var failure: ChainFailure? {
        if case .failure(let value) = self { return value }
        return nil
    }
}

extension Array where Element == any ChatProvider {
    /// Keeps the first provider of each name, in order.
    func uniqued() -> [any ChatProvider] {
        var seen: Set<ProviderName> = []
        return filter { seen.insert($0.name).inserted }
    }
}

/// A deadline far enough away never to matter.
func relaxedDeadline() -> ContinuousClock.Instant {
    .now + .seconds(30)
}
