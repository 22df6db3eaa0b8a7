import Logging
import Providers
import Testing

@testable import ChatService

@Suite("Configuration from the environment")
struct ServiceConfigurationTests {
    @Test("an empty environment gives SPEC §2's defaults")
    func defaults() throws {
        let configuration = try ServiceConfiguration(environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.mongoURI == "mongodb://127.0.0.1:27017")
        #expect(configuration.mongoDatabase == "chat")
        #expect(configuration.providers == [.ollama])
        #expect(configuration.gemini.baseURL == "https://generativelanguage.googleapis.com")
        #expect(configuration.gemini.model == "gemini-2.0-flash")
        #expect(configuration.ollama.baseURL == "http://127.0.0.1:11434")
        #expect(configuration.ollama.model == "llama3.2")
        #expect(configuration.retry.maxAttempts == 3)
        #expect(configuration.retry.baseDelay == .milliseconds(200))
        #expect(configuration.retry.maxDelay == .milliseconds(5000))
        #expect(configuration.providerTimeout == .milliseconds(60_000))
        #expect(configuration.requestTimeout == .milliseconds(120_000))
        #expect(configuration.maxBodyBytes == 1_048_576)
        #expect(configuration.spoolDirectory == "./data/spool")
        #expect(configuration.spoolMaxBytes == 1_073_741_824)
        #expect(configuration.logLevel == .info)
    }

    @Test("a Gemini key makes gemini the primary provider with ollama as fallback")
    func geminiKeyChangesDefaultChain() throws {
        let configuration = try ServiceConfiguration(environment: ["GEMINI_API_KEY": "k"])
        #expect(configuration.providers == [.gemini, .ollama])
        #expect(configuration.gemini.apiKey == "k")
    }

    @Test("every variable is read into its typed value")
    func everyVariable() throws {
        let configuration = try ServiceConfiguration(environment: [
            "HOST": "0.0.0.0", "PORT": "9090", "MONGODB_URI": "mongodb://db:27017/?w=majority",
            "MONGODB_DATABASE": "prod", "PROVIDERS": "ollama, gemini", "GEMINI_API_KEY": "key",
            "GEMINI_BASE_URL": "http://127.0.0.1:1234/", "GEMINI_MODEL": "gemini-2.5-flash",
            "OLLAMA_BASE_URL": "http://ollama:11434", "OLLAMA_MODEL": "qwen3",
            "RETRY_MAX_ATTEMPTS": "5", "RETRY_BASE_DELAY_MS": "50", "RETRY_MAX_DELAY_MS": "800",
            "PROVIDER_TIMEOUT_MS": "1500", "REQUEST_TIMEOUT_MS": "9000", "MAX_BODY_BYTES": "2048",
            "LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json", "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1",
            "OPENAI_API_KEY": "sk-x",
            "OPENAI_MODEL": "smollm2", "ADMIN_API_KEY": "admin-key-0123456789",
        ])
        #expect(configuration.openAI.baseURL == "http://127.0.0.1:8000/v1")
        #expect(configuration.openAI.apiKey == "sk-x")
        #expect(configuration.openAI.model == "smollm2")
        #expect(configuration.adminAPIKey == "admin-key-0123456789")
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.port == 9090)
        #expect(configuration.mongoURI == "mongodb://db:27017/?w=majority")
        #expect(configuration.mongoDatabase == "prod")
        #expect(configuration.providers == [.ollama, .gemini])
        #expect(configuration.gemini.baseURL == "http://127.0.0.1:1234")
        #expect(configuration.gemini.model == "gemini-2.5-flash")
        #expect(configuration.ollama.baseURL == "http://ollama:11434")
        #expect(configuration.ollama.model == "qwen3")
        #expect(configuration.retry.maxAttempts == 5)
        #expect(configuration.retry.baseDelay == .milliseconds(50))
        #expect(configuration.retry.maxDelay == .milliseconds(800))
        #expect(configuration.providerTimeout == .milliseconds(1500))
        #expect(configuration.requestTimeout == .milliseconds(9000))
        #expect(configuration.maxBodyBytes == 2048)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.logFormat == .json)
    }

    @Test(
        "a bad value stops start-up with an error naming its variable",
        arguments: [
            (["PORT": "eighty"], "PORT"),
            (["PORT": "70000"], "PORT"),
            (["MONGODB_URI": "postgres://x"], "MONGODB_URI"),
            (["MONGODB_DATABASE": "a.b"], "MONGODB_DATABASE"),
            (["PROVIDERS": "ollama,claude"], "CLAUDE_KIND"),
            (["PROVIDERS": "ollama,claude ai"], "PROVIDERS"),
            (["PROVIDERS": "ollama,ollama"], "PROVIDERS"),
            (["PROVIDERS": "ollama,"], "PROVIDERS"),
            (["PROVIDERS": "openai"], "OPENAI_BASE_URL"),
            (["PROVIDERS": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1"], "OPENAI_MODEL"),
            (["OPENAI_BASE_URL": "localhost:8000"], "OPENAI_BASE_URL"),
            (["ADMIN_API_KEY": "short"], "ADMIN_API_KEY"),
            (["PROVIDERS": "gemini"], "GEMINI_API_KEY"),
            (["GEMINI_BASE_URL": "ftp://x"], "GEMINI_BASE_URL"),
            (["OLLAMA_BASE_URL": "not a url"], "OLLAMA_BASE_URL"),
            (["RETRY_MAX_ATTEMPTS": "0"], "RETRY_MAX_ATTEMPTS"),
            (["RETRY_BASE_DELAY_MS": "-1"], "RETRY_BASE_DELAY_MS"),
            (["RETRY_BASE_DELAY_MS": "500", "RETRY_MAX_DELAY_MS": "100"], "RETRY_MAX_DELAY_MS"),
            (["PROVIDER_TIMEOUT_MS": "1.5"], "PROVIDER_TIMEOUT_MS"),
            (["REQUEST_TIMEOUT_MS": "0"], "REQUEST_TIMEOUT_MS"),
            (["MAX_BODY_BYTES": "lots"], "MAX_BODY_BYTES"),
            (["SPOOL_MAX_BYTES": "1GiB"], "SPOOL_MAX_BYTES"),
            (["SPOOL_MAX_BYTES": "100"], "SPOOL_MAX_BYTES"),
            (["SPOOL_MAX_BYTES": "-5"], "SPOOL_MAX_BYTES"),
            (["SPOOL_DIR": "/tmp/a\u{0}b"], "SPOOL_DIR"),
            (["LOG_LEVEL": "verbose"], "LOG_LEVEL"),
            (["LOG_FORMAT": "xml"], "LOG_FORMAT"),
        ])
    func badValue(environment: [String: String], variable: String) {
        #expect {
            _ = try ServiceConfiguration(environment: environment)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == variable && error.description.contains(variable)
                && !error.description.contains("\n")
        }
    }

    @Test("SPOOL_DIR and SPOOL_MAX_BYTES are read, trimmed and typed")
    func spoolVariables() throws {
        let configuration = try ServiceConfiguration(environment: [
            "SPOOL_DIR": " /var/lib/chat/spool ", "SPOOL_MAX_BYTES": "2097152",
        ])
        #expect(configuration.spoolDirectory == "/var/lib/chat/spool")
        #expect(configuration.spoolMaxBytes == 2_097_152)
        let empty = try ServiceConfiguration(environment: ["SPOOL_DIR": "", "SPOOL_MAX_BYTES": " "])
        #expect(empty.spoolDirectory == "./data/spool" && empty.spoolMaxBytes == 1_073_741_824)
    }
}
