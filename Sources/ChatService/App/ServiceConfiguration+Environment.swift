import Foundation
import Logging
import Persistence
import Providers

extension ServiceConfiguration {
    /// Reads SPEC §2's variables from `environment`. Unset or empty variables take their defaults;
    /// the first bad value throws a `ConfigurationError` naming it, so nothing starts half-configured.
    public init(environment: [String: String]) throws(ConfigurationError) {
        let env = EnvironmentReader(environment)
        self.init()
        host = env.string("HOST") ?? host
        port = try env.integer("PORT", in: 1...65_535) ?? port

        mongoURI = env.string("MONGODB_URI") ?? mongoURI
        guard mongoURI.hasPrefix("mongodb://") || mongoURI.hasPrefix("mongodb+srv://") else {
            // Never echo the URI: it may hold a password. The scheme alone says what is wrong.
            let scheme =
                mongoURI.range(of: "://").map { mongoURI[..<$0.lowerBound] }
                .flatMap { $0.allSatisfy { $0.isLetter || $0.isNumber || "+.-".contains($0) } ? "\"\($0)://…\"" : nil }
                ?? "a value without a URI scheme"
            throw ConfigurationError(
                variable: "MONGODB_URI", reason: "must start with mongodb:// or mongodb+srv://, got \(scheme)")
        }
        mongoDatabase = env.string("MONGODB_DATABASE") ?? mongoDatabase
        if let bad = mongoDatabase.first(where: { "/\\. \"$\0".contains($0) }) {
            throw ConfigurationError(
                variable: "MONGODB_DATABASE", reason: "must not contain \"\(bad)\", got \"\(mongoDatabase)\"")
        }
        spoolDirectory = env.string("SPOOL_DIR") ?? spoolDirectory
        if spoolDirectory.contains("\0") {
            throw ConfigurationError(variable: "SPOOL_DIR", reason: "must not contain a NUL character")
        }
        spoolMaxBytes = try env.integer("SPOOL_MAX_BYTES", in: 4096...(1 << 50)) ?? spoolMaxBytes
        if let text = env.string("DURABILITY") {
            guard let parsed = Durability(rawValue: text.lowercased()) else {
                let names = Durability.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(variable: "DURABILITY", reason: "must be one of \(names), got \"\(text)\"")
            }
            durability = parsed
        }

        gemini.apiKey = env.string("GEMINI_API_KEY")
        gemini.baseURL = try env.httpURL("GEMINI_BASE_URL") ?? gemini.baseURL
        gemini.model = env.string("GEMINI_MODEL") ?? gemini.model
        ollama.baseURL = try env.httpURL("OLLAMA_BASE_URL") ?? ollama.baseURL
        ollama.model = env.string("OLLAMA_MODEL") ?? ollama.model
        openAI.baseURL = try env.httpURL("OPENAI_BASE_URL")
        openAI.apiKey = env.string("OPENAI_API_KEY")
        openAI.model = env.string("OPENAI_MODEL")
        adminAPIKey = env.string("ADMIN_API_KEY")
        if adminAPIKey == nil, let raw = environment["ADMIN_API_KEY"], !raw.isEmpty {
            // Set but blank: refusing is safer than starting with keys off (issue 14 row 5).
            throw ConfigurationError(variable: "ADMIN_API_KEY", reason: "is set but blank (only whitespace)")
        }
        if let adminAPIKey, adminAPIKey.count < 16 {
            throw ConfigurationError(variable: "ADMIN_API_KEY", reason: "must be at least 16 characters long")
        }
        docs = try Self.docsSwitch(env.string("DOCS"))
        try readAccountsAndLimits(environment)
        imageFetch = try ImageFetchSettings(environment: environment)
        exportsTraces = TraceExport.isRequested(by: environment)

        providers = try env.providerList("PROVIDERS") ?? (gemini.apiKey == nil ? [.ollama] : [.gemini, .ollama])
        namedProviders = try Self.namedProviders(providers, env)
        if providers.contains(.gemini), namedProviders[.gemini] == nil, gemini.apiKey == nil {
            throw ConfigurationError(variable: "GEMINI_API_KEY", reason: "is required when PROVIDERS includes gemini")
        }
        if providers.contains(.openai), namedProviders[.openai] == nil, openAI.baseURL == nil {
            throw ConfigurationError(variable: "OPENAI_BASE_URL", reason: "is required when PROVIDERS includes openai")
        }
        if providers.contains(.openai), namedProviders[.openai] == nil, openAI.model == nil {
            throw ConfigurationError(variable: "OPENAI_MODEL", reason: "is required when PROVIDERS includes openai")
        }

        retry.maxAttempts = try env.integer("RETRY_MAX_ATTEMPTS", in: 1...20) ?? retry.maxAttempts
        retry.baseDelay = try env.milliseconds("RETRY_BASE_DELAY_MS", in: 0...600_000) ?? retry.baseDelay
        retry.maxDelay = try env.milliseconds("RETRY_MAX_DELAY_MS", in: 0...3_600_000) ?? retry.maxDelay
        if retry.maxDelay < retry.baseDelay {
            throw ConfigurationError(
                variable: "RETRY_MAX_DELAY_MS", reason: "must not be smaller than RETRY_BASE_DELAY_MS")
        }
        providerTimeout = try env.milliseconds("PROVIDER_TIMEOUT_MS", in: 1...3_600_000) ?? providerTimeout
        requestTimeout = try env.milliseconds("REQUEST_TIMEOUT_MS", in: 1...3_600_000) ?? requestTimeout
        maxBodyBytes = try env.integer("MAX_BODY_BYTES", in: 1...1_073_741_824) ?? maxBodyBytes
        idleTimeout = try env.milliseconds("IDLE_TIMEOUT_MS", in: 100...3_600_000) ?? idleTimeout
        providerConnections = try env.integer("PROVIDER_MAX_CONNECTIONS", in: 1...10_000) ?? providerConnections
        prices = try Self.prices(file: env.string("PRICES_FILE"))
        modelResidency = try Self.modelResidency(environment: environment)

        if let format = env.string("LOG_FORMAT") {
            guard let parsed = LogFormat(rawValue: format.lowercased()) else {
                throw ConfigurationError(variable: "LOG_FORMAT", reason: "must be text or json, got \"\(format)\"")
            }
            logFormat = parsed
        }
        if let level = env.string("LOG_LEVEL") {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigurationError(variable: "LOG_LEVEL", reason: "must be one of \(names), got \"\(level)\"")
            }
            logLevel = parsed
        }
    }
}
