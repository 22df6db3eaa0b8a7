import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension GeminiProvider {
    /// `models.list`'s page (protocols.md §1.5); only the fields the listing needs.
    struct ModelsPage: Decodable {
        struct Model: Decodable {
            var name: String
            var supportedGenerationMethods: [String]?
        }
        var models: [Model]?
        var nextPageToken: String?
    }

    /// Pages followed at most, so a server that keeps returning tokens cannot loop forever.
    static let maxModelPages = 50

    /// `GET /v1beta/models`, following `nextPageToken`, keeping models that support
    /// `generateContent`, with the `models/` prefix stripped. All pages share `timeout`.
    public func listModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [ProviderModel] {
        let deadline = transport.clock.now + timeout
        var models: [ProviderModel] = []
        var pageToken: String?
        for _ in 0..<Self.maxModelPages {
            var url = "\(baseURL)/v1beta/models?pageSize=1000"
            if let pageToken {
                url +=
                    "&pageToken="
                    + (pageToken.addingPercentEncoding(withAllowedCharacters: Self.modelPathCharacters) ?? pageToken)
            }
            let remaining = deadline - transport.clock.now
            guard remaining > .zero else {
                throw ProviderError(
                    kind: .timeout, message: "the Gemini model list did not complete within \(timeout.milliseconds) ms")
            }
            let page = try await transport.get(
                url: url, headers: requestHeaders, timeout: remaining, logger: logger
            ) {
                body throws(ProviderError) in
                try WireJSON.decode(
                    ModelsPage.self, from: body,
                    orFailWith: "Gemini answered the model list with a body that is not a ListModelsResponse")
            }
            for model in page.models ?? [] where model.supportedGenerationMethods?.contains("generateContent") == true {
                let id = model.name.hasPrefix("models/") ? String(model.name.dropFirst("models/".count)) : model.name
                models.append(ProviderModel(id: id, created: nil, ownedBy: "google"))
            }
            guard let next = page.nextPageToken, !next.isEmpty else { return models }
            pageToken = next
        }
        logger.warning("Gemini model list has more pages than followed", metadata: ["pages": "\(Self.maxModelPages)"])
        return models
    }
}
