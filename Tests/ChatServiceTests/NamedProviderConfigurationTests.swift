import Logging
import Providers
import Testing

@testable import ChatService

@Suite("Named providers from the environment (SPEC §2)")
struct NamedProviderConfigurationTests {
    /// Two Azure regions and two Ollama hosts, as seed 004 runs them.
    static let fourProviders = [
        "PROVIDERS": "azure-west,azure-east,ollama-gpu,ollama",
        "AZURE_WEST_KIND": "azure", "AZURE_WEST_BASE_URL": "https://west.openai.azure.com/",
        "AZURE_WEST_API_KEY": "west-secret", "AZURE_WEST_MODEL": "gpt-4o",
        "AZURE_EAST_KIND": "Azure", "AZURE_EAST_BASE_URL": "https://east.openai.azure.com",
        "AZURE_EAST_API_KEY": "east-secret", "AZURE_EAST_MODEL": "gpt-4o-east",
        "AZURE_EAST_API_VERSION": "2025-01-01-preview",
        "OLLAMA_GPU_KIND": "ollama", "OLLAMA_GPU_BASE_URL": "http://gpu-box:11434", "OLLAMA_GPU_MODEL": "qwen3:32b",
        "OLLAMA_BASE_URL": "http://127.0.0.1:11434", "OLLAMA_MODEL": "llama3.2",
    ]

    @Test("PROVIDERS=azure-west,azure-east,ollama-gpu,ollama reads each name's variables, in that order")
    func fourNamedProviders() throws {
        let configuration = try ServiceConfiguration(environment: Self.fourProviders)
        let settings = configuration.providerSettings
        #expect(settings.map(\.name.rawValue) == ["azure-west", "azure-east", "ollama-gpu", "ollama"])
        #expect(settings.map(\.kind) == [.azure, .azure, .ollama, .ollama])
        #expect(
            settings.map(\.baseURL) == [
                "https://west.openai.azure.com", "https://east.openai.azure.com", "http://gpu-box:11434",
                "http://127.0.0.1:11434",
            ])
        #expect(settings.map(\.model) == ["gpt-4o", "gpt-4o-east", "qwen3:32b", "llama3.2"])
        #expect(settings.map(\.apiKey) == ["west-secret", "east-secret", nil, nil])
        #expect(settings[0].apiVersion == "2024-10-21")
        #expect(settings[1].apiVersion == "2025-01-01-preview")
    }

    @Test("today's variables keep working unchanged: gemini,ollama,openai read GEMINI_*, OLLAMA_*, OPENAI_*")
    func legacyVariables() throws {
        let configuration = try ServiceConfiguration(environment: [
            "PROVIDERS": "gemini,ollama,openai", "GEMINI_API_KEY": "g-key", "GEMINI_MODEL": "gemini-2.5-flash",
            "OLLAMA_BASE_URL": "http://ollama:11434", "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1",
            "OPENAI_MODEL": "smollm2",
        ])
        #expect(configuration.namedProviders.isEmpty)
        let settings = configuration.providerSettings
        #expect(settings.map(\.name) == [.gemini, .ollama, .openai])
        #expect(settings.map(\.kind) == [.gemini, .ollama, .openai])
        #expect(settings[0].apiKey == "g-key" && settings[0].model == "gemini-2.5-flash")
        #expect(settings[0].baseURL == "https://generativelanguage.googleapis.com")
        #expect(settings[1].baseURL == "http://ollama:11434" && settings[1].model == "llama3.2")
        #expect(settings[2].baseURL == "http://127.0.0.1:8000/v1" && settings[2].model == "smollm2")
    }

    @Test("a name's kind defaults to the kind it spells, and an ollama or gemini name gets that kind's defaults")
    func kindDefaults() throws {
        let configuration = try ServiceConfiguration(environment: [
            "PROVIDERS": "azure,gemini-eu", "AZURE_BASE_URL": "https://r.openai.azure.com", "AZURE_API_KEY": "k",
            "AZURE_MODEL": "dep", "GEMINI_EU_KIND": "gemini", "GEMINI_EU_API_KEY": "eu-key",
        ])
        let settings = configuration.providerSettings
        #expect(settings.map(\.kind) == [.azure, .gemini])
        #expect(settings[1].baseURL == "https://generativelanguage.googleapis.com")
        #expect(settings[1].model == "gemini-2.0-flash")
    }

    @Test(
        "a bad or missing value of a named provider stops start-up with one line naming the variable, no secret",
        arguments: [
            (["PROVIDERS": "azure-west"], "AZURE_WEST_KIND"),
            (["PROVIDERS": "west", "WEST_KIND": "bedrock"], "WEST_KIND"),
            (["PROVIDERS": "azure-west", "AZURE_WEST_KIND": "azure"], "AZURE_WEST_BASE_URL"),
            (
                ["PROVIDERS": "azure-west", "AZURE_WEST_KIND": "azure", "AZURE_WEST_BASE_URL": "west.example"],
                "AZURE_WEST_BASE_URL"
            ),
            (
                ["PROVIDERS": "azure-west", "AZURE_WEST_KIND": "azure", "AZURE_WEST_BASE_URL": "https://w.example"],
                "AZURE_WEST_API_KEY"
            ),
            (
                [
                    "PROVIDERS": "azure-west", "AZURE_WEST_KIND": "azure", "AZURE_WEST_BASE_URL": "https://w.example",
                    "AZURE_WEST_API_KEY": "top-secret-key",
                ], "AZURE_WEST_MODEL"
            ),
            (
                [
                    "PROVIDERS": "azure-west", "AZURE_WEST_KIND": "azure", "AZURE_WEST_BASE_URL": "https://w.example",
                    "AZURE_WEST_API_KEY": "top-secret-key", "AZURE_WEST_MODEL": "d",
                    "AZURE_WEST_API_VERSION": "2024 10 21",
                ], "AZURE_WEST_API_VERSION"
            ),
            (
                ["PROVIDERS": "ollama-gpu", "OLLAMA_GPU_KIND": "ollama", "OLLAMA_GPU_API_VERSION": "1"],
                "OLLAMA_GPU_API_VERSION"
            ),
            (["PROVIDERS": "local", "LOCAL_KIND": "openai", "LOCAL_BASE_URL": "http://h:1/v1"], "LOCAL_MODEL"),
            (["PROVIDERS": "g2", "G2_KIND": "gemini"], "G2_API_KEY"),
            (["PROVIDERS": "azure-west,azure_west"], "PROVIDERS"),
            (["PROVIDERS": "azure-west,AZURE-WEST"], "PROVIDERS"),
        ])
    func badNamedValue(environment: [String: String], variable: String) {
        #expect {
            _ = try ServiceConfiguration(environment: environment)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.variable == variable && error.description.contains(variable)
                && !error.description.contains("\n") && !error.description.contains("top-secret-key")
        }
    }
}
