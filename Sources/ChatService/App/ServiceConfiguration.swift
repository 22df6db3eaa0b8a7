import AsyncHTTPClient
import Logging
import Persistence
import Providers

/// Everything the service is configured with, as typed values.
///
/// Read once at start-up (`ServiceConfiguration(environment:)`), then passed down; nothing else
/// in the process reads the environment. Tests build one directly.
public struct ServiceConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var mongoURI: String
    public var mongoDatabase: String
    /// `SPOOL_DIR`: the local write-ahead log every interaction goes to first.
    public var spoolDirectory: String
    /// `SPOOL_MAX_BYTES`: the cap on the spool's size; beyond it new chats get 503.
    public var spoolMaxBytes: Int
    /// `DURABILITY`: when a 2xx may be sent (SPEC §5).
    public var durability: Durability
    /// The provider chain in order, by name: the first is primary, the rest are fallbacks.
    public var providers: [ProviderName]
    /// The provider named `gemini` (unless `namedProviders` says otherwise): `GEMINI_*`.
    public var gemini: GeminiSettings
    /// The provider named `ollama` (unless `namedProviders` says otherwise): `OLLAMA_*`.
    public var ollama: OllamaSettings
    /// The provider named `openai` (unless `namedProviders` says otherwise): `OPENAI_*`.
    public var openAI: OpenAISettings
    /// Every other listed name (`azure-west`, `ollama-gpu`), read from its `<NAME>_*` variables.
    public var namedProviders: [ProviderName: ProviderSettings] = [:]
    /// When set, admin routes are on and every `/v1/*` route requires a client key.
    public var adminAPIKey: String?
    /// `DOCS`: `/docs` and `/openapi.yaml` on or off; nil means the default (`servesDocs`).
    public var docs: Bool? = nil
    public var retry: RetrySettings
    public var providerTimeout: Duration
    public var requestTimeout: Duration
    public var maxBodyBytes: Int
    /// `IMAGE_FETCH_*`: how http(s) image URLs are fetched (issue 15).
    public var imageFetch = ImageFetchSettings()
    /// `IDLE_TIMEOUT_MS`: a connection that sends nothing (no request, or a request stalled in
    /// its headers or body) for this long is closed; a call waiting for its answer is not idle.
    public var idleTimeout: Duration = .milliseconds(60_000)
    /// `PROVIDER_MAX_CONNECTIONS`: HTTP connections per provider host, and as many calls in flight
    /// to it; a call that finds them all busy waits for one before its attempt starts, within the
    /// request deadline only (`ProviderConnectionGate`).
    public var providerConnections: Int = HTTPClient.Configuration.defaultConnectionsPerProvider
    /// `ALLOW_REGISTRATION`: opens `POST /register`, `POST /login` and `GET /user/usage` (SPEC §8).
    public var allowRegistration = false
    /// `RATE_LIMIT_WINDOW_SECONDS` (tests only): the length of a per-minute limit's window.
    public var limitWindow: Duration = .seconds(60)
    /// `PRICES_FILE` merged over the built-in prices (SPEC §9): every call's cost comes from here.
    var prices: PriceTable = .builtIn
    /// `ALWAYS_ON_MODELS`, `HEAVY_MODELS`, `OLLAMA_KEEP_ALIVE` (SPEC §7): Ollama model residency.
    public var modelResidency = ModelResidencySettings()
    /// `OTEL_EXPORTER_OTLP_ENDPOINT` (or `_TRACES_ENDPOINT`) is set: spans are exported over OTLP
    /// (`TraceExport`) and each request gets a server span.
    public var exportsTraces = false
    public var logLevel: Logger.Level
    /// `text` (human-readable lines) or `json` (one object per line, for log shippers).
    public var logFormat: LogFormat

    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        case text
        case json
    }

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        mongoURI: String = "mongodb://127.0.0.1:27017",
        mongoDatabase: String = "chat",
        spoolDirectory: String = "./data/spool",
        spoolMaxBytes: Int = 1_073_741_824,
        durability: Durability = .disk,
        providers: [ProviderName] = [.ollama],
        gemini: GeminiSettings = .init(),
        ollama: OllamaSettings = .init(),
        openAI: OpenAISettings = .init(),
        adminAPIKey: String? = nil,
        retry: RetrySettings = .init(),
        providerTimeout: Duration = .milliseconds(60_000),
        requestTimeout: Duration = .milliseconds(120_000),
        maxBodyBytes: Int = 1_048_576,
        logLevel: Logger.Level = .info,
        logFormat: LogFormat = .text
    ) {
        self.host = host
        self.port = port
        self.mongoURI = mongoURI
        self.mongoDatabase = mongoDatabase
        self.spoolDirectory = spoolDirectory
        self.spoolMaxBytes = spoolMaxBytes
        self.durability = durability
        self.providers = providers
        self.gemini = gemini
        self.ollama = ollama
        self.openAI = openAI
        self.adminAPIKey = adminAPIKey
        self.retry = retry
        self.providerTimeout = providerTimeout
        self.requestTimeout = requestTimeout
        self.maxBodyBytes = maxBodyBytes
        self.logLevel = logLevel
        self.logFormat = logFormat
    }

    /// Google Gemini (`GEMINI_*`).
    public struct GeminiSettings: Sendable {
        public var apiKey: String?
        public var baseURL: String
        public var model: String
        public init(
            apiKey: String? = nil,
            baseURL: String = "https://generativelanguage.googleapis.com",
            model: String = "gemini-2.0-flash"
        ) {
            self.apiKey = apiKey
            self.baseURL = baseURL
            self.model = model
        }
    }

    /// Ollama (`OLLAMA_*`).
    public struct OllamaSettings: Sendable {
        public var baseURL: String
        public var model: String
        public init(baseURL: String = "http://127.0.0.1:11434", model: String = "llama3.2") {
            self.baseURL = baseURL
            self.model = model
        }
    }

    /// An OpenAI-compatible upstream (`OPENAI_*`): OpenRouter, vLLM, llama.cpp server, LM Studio.
    public struct OpenAISettings: Sendable {
        /// Includes `/v1`, as in the OpenAI SDKs; the service appends `/chat/completions`.
        public var baseURL: String?
        public var apiKey: String?
        public var model: String?
        public init(baseURL: String? = nil, apiKey: String? = nil, model: String? = nil) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.model = model
        }
    }

    /// Retry with full-jitter exponential backoff (`RETRY_*`).
    public struct RetrySettings: Sendable {
        public var maxAttempts: Int
        public var baseDelay: Duration
        public var maxDelay: Duration
        public init(
            maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .milliseconds(5000)
        ) {
            self.maxAttempts = maxAttempts
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
        }
    }
}
