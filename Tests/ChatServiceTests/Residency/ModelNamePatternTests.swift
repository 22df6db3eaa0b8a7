import Providers
import Testing

@testable import ChatService

@Suite("HEAVY_MODELS patterns, ALWAYS_ON_MODELS and OLLAMA_KEEP_ALIVE")
struct ModelNamePatternTests {
    @Test("a pattern matches as Ollama names models: * is any run, a missing tag is :latest")
    func matching() {
        #expect(ModelNamePattern("*:70b").matches("llama3:70b"))
        #expect(!ModelNamePattern("*:70b").matches("llama3:8b"))
        #expect(ModelNamePattern("qwen2.5-coder:32b").matches("qwen2.5-coder:32b"))
        #expect(!ModelNamePattern("qwen2.5-coder:32b").matches("qwen2.5-coder:7b"))
        #expect(ModelNamePattern("mixtral").matches("mixtral:latest"))
        #expect(ModelNamePattern("mixtral").matches("mixtral"))
        #expect(!ModelNamePattern("mixtral").matches("mixtral:8x22b"))
        #expect(ModelNamePattern("qwen*:32b").matches("qwen2.5-coder:32b"))
        #expect(ModelNamePattern("*coder*").matches("qwen2.5-coder:32b"))
        #expect(!ModelNamePattern("*coder*").matches("llama3:70b"))
        #expect(ModelNamePattern.sameModel("llama3.2", "llama3.2:latest"))
        #expect(!ModelNamePattern.sameModel("llama3.2:1b", "llama3.2:latest"))
    }

    @Test("ALWAYS_ON_MODELS, HEAVY_MODELS and OLLAMA_KEEP_ALIVE are read into the residency settings")
    func environment() throws {
        let settings = try ServiceConfiguration.modelResidency(environment: [
            "ALWAYS_ON_MODELS": "llama3.2:3b, llama3:8b", "HEAVY_MODELS": "*:32b,*:70b", "OLLAMA_KEEP_ALIVE": "10m",
        ])
        #expect(settings.alwaysOnModels == ["llama3.2:3b", "llama3:8b"])
        #expect(settings.heavyModels == ["*:32b", "*:70b"])
        #expect(settings.keepAlive == .string("10m"))
        #expect(settings.isHeavy("qwen2.5:32b") && !settings.isHeavy("llama3:8b"))
        #expect(
            try ServiceConfiguration.modelResidency(environment: ["OLLAMA_KEEP_ALIVE": "-1"]).keepAlive == .integer(-1))
        #expect(
            try ServiceConfiguration.modelResidency(environment: ["OLLAMA_KEEP_ALIVE": "1h30m"]).keepAlive
                == .string("1h30m"))
        #expect(try ServiceConfiguration.modelResidency(environment: [:]).keepAlive == nil)
    }

    @Test("a keep_alive Ollama would refuse, or a model both always-on and heavy, stops start-up naming the variable")
    func badValues() {
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.modelResidency(environment: ["OLLAMA_KEEP_ALIVE": "soon"])
        }
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.modelResidency(environment: ["OLLAMA_KEEP_ALIVE": "10 minutes"])
        }
        do {
            _ = try ServiceConfiguration.modelResidency(environment: [
                "ALWAYS_ON_MODELS": "qwen2.5:32b", "HEAVY_MODELS": "*:32b",
            ])
            Issue.record("expected a configuration error")
        } catch {
            #expect(error.variable == "ALWAYS_ON_MODELS")
            #expect(error.description.contains("qwen2.5:32b"))
        }
    }
}
