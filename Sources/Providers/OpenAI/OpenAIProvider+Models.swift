import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension OpenAIProvider {
    /// `GET {base}/models` (protocols.md §3.5): `created` is Unix seconds, `owned_by` as given.
    /// An Azure resource has no per-deployment model list in the GA API: it lists its deployment.
    public func listModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [ProviderModel] {
        if case .azure = dialect {
            return [ProviderModel(id: defaultModel, created: nil, ownedBy: name.rawValue)]
        }
        let list = try await transport.get(
            url: "\(baseURL)/models", headers: requestHeaders, timeout: timeout, logger: logger
        ) {
            body throws(ProviderError) in
            try WireJSON.decode(
                ModelList.self, from: body,
                orFailWith: "the OpenAI-compatible server answered /models with a body that is not a model list")
        }
        return list.data.map { model in
            ProviderModel(
                id: model.id,
                created: model.created.map { Date(timeIntervalSince1970: TimeInterval($0)) },
                ownedBy: model.ownedBy ?? "openai"
            )
        }
    }
}
