import Hummingbird
import Providers

/// `GET /v1/providers` (SPEC §9, seed 004): what a caller can use, so a client can pick a
/// provider and model at run time instead of hard-coding them. Models come from the same
/// `ModelCatalog` as `GET /v1/models` (a provider that is down lists its configured model only).
struct ProvidersController: Sendable {
    let chain: ProviderChain
    let catalog: ModelCatalog
    let prices: PriceTable

    func addRoutes(to group: RouterGroup<ChatRequestContext>) {
        group.get("providers", use: providers)
    }

    @Sendable func providers(request: Request, context: ChatRequestContext) async throws -> Response {
        let entries = await catalog.entries(logger: context.logger)
        let data = chain.providers.map { provider in
            var seen: Set<String> = []
            let models = entries.filter { $0.provider == provider.name }.compactMap { entry -> ProviderCatalog.Model? in
                let name = entry.model.id
                guard seen.insert(name).inserted else { return nil }
                return ProviderCatalog.Model(
                    id: "\(provider.name)/\(name)", name: name, label: name,
                    contextWindow: ModelContextWindows.window(of: name),
                    price: CatalogPrice.prices(of: name, in: prices.price(of: name), free: provider.kind == .ollama),
                    enabled: true)
            }
            let label = ProviderCatalog.label(of: provider.kind)
            return ProviderCatalog.Provider(
                id: provider.name.rawValue, name: provider.name.rawValue, kind: provider.kind.rawValue, label: label,
                description: "\(label) provider \"\(provider.name)\", default model \(provider.defaultModel)",
                model: models)
        }
        return try JSONResponse.make(.ok, ProviderCatalog(data: data))
    }
}
