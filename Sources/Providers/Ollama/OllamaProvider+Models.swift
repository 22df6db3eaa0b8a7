import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension OllamaProvider {
    /// `/api/tags`' body (protocols.md §2.5); only the fields the listing needs.
    struct TagsBody: Decodable {
        struct Model: Decodable {
            var name: String
            var modifiedAt: String?
            enum CodingKeys: String, CodingKey {
                case name
                case modifiedAt = "modified_at"
            }
        }
        var models: [Model]?
    }

    /// `GET /api/tags`: every local model, `modified_at` as `created`, the namespace as owner
    /// (`library` for official models, as Ollama's own `/v1/models` does).
    public func listModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [ProviderModel] {
        let tags = try await transport.get(
            url: "\(baseURL)/api/tags", headers: HTTPHeaders(), timeout: timeout, logger: logger
        ) {
            body throws(ProviderError) in
            try WireJSON.decode(
                TagsBody.self, from: body, orFailWith: "Ollama answered /api/tags with a body that is not a model list")
        }
        return (tags.models ?? []).map { model in
            ProviderModel(
                id: model.name, created: model.modifiedAt.flatMap(ProviderDateParsing.rfc3339),
                ownedBy: Self.namespace(of: model.name))
        }
    }

    /// `library` for `llama3.2:latest`, `user` for `user/model` and `hf.co/user/model:tag`.
    static func namespace(of name: String) -> String {
        let path = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
        let components = path.split(separator: "/")
        return components.count >= 2 ? String(components[components.count - 2]) : "library"
    }
}
