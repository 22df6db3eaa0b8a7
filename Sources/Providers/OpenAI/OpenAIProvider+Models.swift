import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension OpenAIProvider {
    /// `GET {base}/models` (protocols.md §3.5): `created` is Unix seconds, `owned_by` as given.
    public func listModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [ProviderModel] {
        let response = try await transport.get(url: "\(baseURL)/models", headers: authorizationHeaders, timeout: timeout, logger: logger)
        guard (200..<300).contains(response.status.code) else {
            throw Self.error(status: response.status, headers: response.headers, body: response.body)
        }
        let list: ModelList
        do {
            list = try JSONDecoder().decode(ModelList.self, from: response.body)
        } catch {
            throw ProviderError(kind: .invalidResponse, message: "the OpenAI-compatible server answered /models with a body that is not a model list")
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
