import Logging
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
    /// The provider chain in order: the first is primary, the rest are fallbacks.
    public var providers: [ProviderName]
    public var gemini: GeminiSettings
    public var ollama: OllamaSettings
    public var retry: RetrySettings
    public var providerTimeout: Duration
    public var requestTimeout: Duration
    public var maxBodyBytes: Int
    public var logLevel: Logger.Level

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        mongoURI: String = "mongodb://127.0.0.1:27017",
        mongoDatabase: String = "chat",
        providers: [ProviderName] = [.ollama],
        gemini: GeminiSettings = .init(),
        ollama: OllamaSettings = .init(),
        retry: RetrySettings = .init(),
        providerTimeout: Duration = .milliseconds(60_000),
        requestTimeout: Duration = .milliseconds(120_000),
        maxBodyBytes: Int = 1_048_576,
        logLevel: Logger.Level = .info
    ) {
        self.host = host
        self.port = port
        self.mongoURI = mongoURI
        self.mongoDatabase = mongoDatabase
        self.providers = providers
        self.gemini = gemini
        self.ollama = ollama
        self.retry = retry
        self.providerTimeout = providerTimeout
        self.requestTimeout = requestTimeout
        self.maxBodyBytes = maxBodyBytes
        self.logLevel = logLevel
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

    /// Retry with full-jitter exponential backoff (`RETRY_*`).
    public struct RetrySettings: Sendable {
        public var maxAttempts: Int
        public var baseDelay: Duration
        public var maxDelay: Duration
        public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .milliseconds(5000)) {
            self.maxAttempts = maxAttempts
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
        }
    }
}
