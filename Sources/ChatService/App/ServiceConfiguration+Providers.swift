import Foundation
import Providers

extension ServiceConfiguration {
    /// Every provider of the chain, in `PROVIDERS` order, with its settings: a name configured
    /// through `<NAME>_*` (`namedProviders`), else the legacy `gemini`, `ollama` or `openai`.
    public var providerSettings: [ProviderSettings] {
        providers.compactMap(settings(of:))
    }

    /// The settings of the provider called `name`, or `nil` when it is neither named nor legacy.
    public func settings(of name: ProviderName) -> ProviderSettings? {
        if let named = namedProviders[name] { return named }
        switch name {
        case .gemini:
            return ProviderSettings(
                name: name, kind: .gemini, baseURL: gemini.baseURL, apiKey: gemini.apiKey, model: gemini.model)
        case .ollama:
            return ProviderSettings(name: name, kind: .ollama, baseURL: ollama.baseURL, model: ollama.model)
        case .openai:
            return ProviderSettings(
                name: name, kind: .openai, baseURL: openAI.baseURL ?? "", apiKey: openAI.apiKey,
                model: openAI.model ?? "")
        default:
            return nil
        }
    }

    /// Reads `<NAME>_KIND`, `_BASE_URL`, `_API_KEY`, `_MODEL` and `_API_VERSION` (SPEC §2) for each
    /// listed name that is not one of today's `gemini`, `ollama`, `openai` (those keep their own
    /// variables, which are the same `GEMINI_*`, `OLLAMA_*`, `OPENAI_*`). A missing kind, URL,
    /// key or model names its variable; keys are never echoed.
    static func namedProviders(
        _ names: [ProviderName], _ env: EnvironmentReader
    ) throws(ConfigurationError) -> [ProviderName: ProviderSettings] {
        var result: [ProviderName: ProviderSettings] = [:]
        for name in names {
            let prefix = name.environmentPrefix
            let kind: ProviderKind
            if let text = env.string("\(prefix)_KIND") {
                guard let parsed = ProviderKind(rawValue: text.lowercased()) else {
                    throw ConfigurationError(
                        variable: "\(prefix)_KIND", reason: "must be one of \(kindNames), got \"\(text)\"")
                }
                kind = parsed
            } else if let implied = name.impliedKind {
                kind = implied
            } else {
                throw ConfigurationError(
                    variable: "\(prefix)_KIND",
                    reason: "is required for provider \"\(name)\" listed in PROVIDERS (one of \(kindNames))")
            }
            // Today's three names keep today's variables and defaults.
            if kind.rawValue == name.rawValue, kind != .azure { continue }
            result[name] = try settings(name: name, kind: kind, prefix: prefix, env)
        }
        return result
    }

    private static var kindNames: String { ProviderKind.allCases.map(\.rawValue).joined(separator: ", ") }

    private static func settings(
        name: ProviderName, kind: ProviderKind, prefix: String, _ env: EnvironmentReader
    ) throws(ConfigurationError) -> ProviderSettings {
        func required(_ suffix: String, _ what: String) -> ConfigurationError {
            ConfigurationError(
                variable: "\(prefix)_\(suffix)",
                reason: "is required for provider \"\(name)\" of kind \(kind) (\(what))")
        }
        let defaultURL: String? =
            switch kind {
            case .gemini: GeminiSettings().baseURL
            case .ollama: OllamaSettings().baseURL
            case .openai, .azure: nil
            }
        let defaultModel: String? =
            switch kind {
            case .gemini: GeminiSettings().model
            case .ollama: OllamaSettings().model
            case .openai, .azure: nil
            }
        guard let baseURL = try env.httpURL("\(prefix)_BASE_URL") ?? defaultURL else {
            throw required("BASE_URL", kind == .azure ? "https://{resource}.openai.azure.com" : "the URL with /v1")
        }
        let apiKey = env.string("\(prefix)_API_KEY")
        if apiKey == nil, kind == .gemini || kind == .azure {
            throw required("API_KEY", "the key sent in \(kind == .azure ? "api-key" : "x-goog-api-key")")
        }
        guard let model = env.string("\(prefix)_MODEL") ?? defaultModel else {
            throw required("MODEL", kind == .azure ? "the deployment name" : "the default model")
        }
        var settings = ProviderSettings(name: name, kind: kind, baseURL: baseURL, apiKey: apiKey, model: model)
        if let version = env.string("\(prefix)_API_VERSION") {
            guard kind == .azure else {
                throw ConfigurationError(
                    variable: "\(prefix)_API_VERSION", reason: "applies to kind azure only, but \(name) is \(kind)")
            }
            guard version.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                throw ConfigurationError(
                    variable: "\(prefix)_API_VERSION", reason: "must look like 2024-10-21, got \"\(version)\"")
            }
            settings.apiVersion = version
        }
        return settings
    }
}
