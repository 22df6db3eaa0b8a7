import Foundation
import NIOCore
import NIOHTTP1

// Routing generation requests, and the model-listing endpoints of the three protocols.
extension ProviderDoubleResponder {
    /// The protocol a generation request speaks, from its method and path.
    static func route(method: HTTPMethod, path: String) -> ProviderDoubleRoute? {
        guard method == .POST else { return nil }
        if path.hasPrefix("/openai/deployments/") { return .azure }
        if path.hasPrefix("/v1beta/models/"),
            path.hasSuffix(":generateContent") || path.hasSuffix(":streamGenerateContent")
        {
            return .gemini
        }
        if path == "/api/chat" || path == "/api/generate" { return .ollama }
        if path == "/v1/chat/completions" || path == "/chat/completions" { return .openai }
        // Embeddings and images are scripted like generation in the same dialect.
        if path.hasPrefix("/v1beta/models/"), isEmbeddingPath(path) { return .gemini }
        if path == "/api/embed" { return .ollama }
        if path == "/v1/embeddings" || path == "/embeddings" || isImagePath(path) { return .openai }
        return nil
    }

    /// The answer to a non-generation request (listings, liveness), or `nil` for unknown paths.
    func listing(method: HTTPMethod, path: String, query: [String: String] = [:]) -> ProviderDoubleReply? {
        guard method == .GET || method == .HEAD else { return nil }
        switch path {
        case "/":
            return .body(.ok, contentType: "text/plain; charset=utf-8", "Ollama is running")
        case "/v1beta/models":
            let chatModels = configuration.geminiModels.map { name -> [String: Any] in
                [
                    "name": "models/\(name)", "baseModelId": name, "version": "001", "displayName": name,
                    "inputTokenLimit": 1_048_576, "outputTokenLimit": 65536,
                    "supportedGenerationMethods": ["generateContent", "countTokens"],
                    "temperature": 1, "maxTemperature": 2, "topP": 0.95, "topK": 64,
                ]
            }
            let embeddingModels = configuration.geminiEmbeddingModels.map { name -> [String: Any] in
                [
                    "name": "models/\(name)", "version": "004", "displayName": name, "inputTokenLimit": 2048,
                    "outputTokenLimit": 1,
                    "supportedGenerationMethods": ["embedContent"],
                ]
            }
            let models = chatModels + embeddingModels
            // pageSize (default 50, at most 1000, further capped by the configuration) and an
            // opaque pageToken, which here is the offset.
            var pageSize = min(1000, max(1, Int(query["pageSize"] ?? "") ?? 50))
            if let cap = configuration.geminiModelsPageSize { pageSize = min(pageSize, max(1, cap)) }
            let start = min(models.count, max(0, Int(query["pageToken"] ?? "") ?? 0))
            let end = min(models.count, start + pageSize)
            var page: [String: Any] = ["models": Array(models[start..<end])]
            if end < models.count { page["nextPageToken"] = String(end) }
            return .json(.ok, page)
        case "/api/tags":
            let models = configuration.ollamaModels.map { name -> [String: Any] in
                [
                    "name": name, "model": name, "modified_at": "2026-01-02T10:00:00.837530123+01:00",
                    "size": 2_019_393_189,
                    "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                    "details": [
                        "parent_model": "", "format": "gguf", "family": "llama", "families": ["llama"],
                        "parameter_size": "3.2B", "quantization_level": "Q4_K_M",
                    ],
                ]
            }
            return .json(.ok, ["models": models])
        case "/api/ps":
            return ollamaRunningListing()
        case "/v1/models", "/models":
            let models = configuration.openAIModels.map { name -> [String: Any] in
                ["id": name, "object": "model", "created": 1_767_348_000, "owned_by": "library"]
            }
            return .json(.ok, ["object": "list", "data": models])
        default:
            return nil
        }
    }
}
