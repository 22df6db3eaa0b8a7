import Logging
import Providers

/// Which configured provider serves which model, for OpenAI-style `model` routing and
/// `GET /v1/models`. Each provider's list (Ollama `/api/tags`, Gemini `models.list`, an
/// OpenAI-compatible `/models`) is cached briefly; a provider that is down is left out of the
/// answer, never fatal.
actor ModelCatalog {
    struct Entry: Sendable {
        var provider: ProviderName
        var model: ProviderModel
    }

    private struct Cached {
        var models: [ProviderModel]
        var expires: ContinuousClock.Instant
    }

    private let providers: [any ChatProvider]
    private let timeToLive: Duration
    private let failureTimeToLive: Duration
    private let listTimeout: Duration
    private var cache: [ProviderName: Cached] = [:]

    init(
        providers: [any ChatProvider], timeToLive: Duration = .seconds(60), failureTimeToLive: Duration = .seconds(5),
        listTimeout: Duration = .seconds(3)
    ) {
        self.providers = providers
        self.timeToLive = timeToLive
        self.failureTimeToLive = failureTimeToLive
        self.listTimeout = listTimeout
    }

    /// Every model of every reachable provider, in `PROVIDERS` order; each provider's default
    /// model is included even when its list does not name it.
    func entries(logger: Logger) async -> [Entry] {
        let now = ContinuousClock.now
        let stale = providers.filter { (cache[$0.name]?.expires ?? now) <= now }
        if !stale.isEmpty {
            let timeout = listTimeout
            let fetched = await withTaskGroup(of: (ProviderName, [ProviderModel]?).self) { group in
                for provider in stale {
                    group.addTask {
                        do {
                            return (provider.name, try await provider.listModels(timeout: timeout, logger: logger))
                        } catch {
                            logger.warning(
                                "could not list a provider's models; leaving it out",
                                metadata: ["provider": "\(provider.name)", "error": "\(error)"])
                            return (provider.name, nil)
                        }
                    }
                }
                var results: [(ProviderName, [ProviderModel]?)] = []
                for await result in group { results.append(result) }
                return results
            }
            for (name, models) in fetched {
                cache[name] = Cached(
                    models: models ?? [], expires: .now + (models == nil ? failureTimeToLive : timeToLive))
            }
        }
        var entries: [Entry] = []
        for provider in providers {
            let listed = cache[provider.name]?.models ?? []
            entries += listed.map { Entry(provider: provider.name, model: $0) }
            if !listed.contains(where: { Self.sameModel($0.id, provider.defaultModel) }) {
                entries.append(
                    Entry(
                        provider: provider.name,
                        model: ProviderModel(id: provider.defaultModel, created: nil, ownedBy: provider.name.rawValue)))
            }
        }
        return entries
    }

    /// The provider and model a caller's `model` names: `provider/model`, a provider's default
    /// model, or a model a provider lists (first in `PROVIDERS` order). `nil` when none serves it.
    func resolve(_ requested: String, logger: Logger) async -> (provider: ProviderName, model: String)? {
        if let slash = requested.firstIndex(of: "/"),
            let provider = ProviderName(rawValue: String(requested[..<slash])),
            providers.contains(where: { $0.name == provider })
        {
            let model = String(requested[requested.index(after: slash)...])
            return model.isEmpty ? nil : (provider, model)
        }
        if let provider = providers.first(where: { Self.sameModel($0.defaultModel, requested) }) {
            return (provider.name, requested)
        }
        for entry in await entries(logger: logger) where Self.sameModel(entry.model.id, requested) {
            return (entry.provider, requested)
        }
        return nil
    }

    /// Ollama names `llama3.2` and `llama3.2:latest` the same model.
    static func sameModel(_ lhs: String, _ rhs: String) -> Bool {
        lhs == rhs || lhs == rhs + ":latest" || lhs + ":latest" == rhs
    }
}
