import Foundation
import NIOCore
import NIOHTTP1

// Embedding answers in the three dialects (protocols.md §1.6 Gemini `batchEmbedContents` and
// `embedContent`, §2.5 Ollama `/api/embed`, §3.6 OpenAI `/embeddings`) with
// `ProviderDouble.embeddingVector` vectors, and their request checks.
extension ProviderDoubleResponder {
    /// Whether `path` asks for embeddings in any dialect (Azure's deployment paths included).
    static func isEmbeddingPath(_ path: String) -> Bool {
        path.hasSuffix(":batchEmbedContents") || path.hasSuffix(":embedContent") || path == "/api/embed"
            || (path.hasSuffix("/embeddings") && path != "/api/embeddings")
    }

    /// The successful embedding answer for `request`, or the dialect's 400 for a body a real
    /// server would refuse.
    func embeddingSuccess(
        route: ProviderDoubleRoute, request: ProviderDoubleRequest, json: [String: Any],
        behaviour: ProviderDoubleBehaviour
    ) -> ProviderDoubleReply {
        let path = request.path
        if path.hasSuffix(":batchEmbedContents") {
            guard let entries = json["requests"] as? [[String: Any]], !entries.isEmpty else {
                return geminiError(400, message: "* BatchEmbedContentsRequest.requests: must not be empty")
            }
            var embeddings: [[String: Any]] = []
            for entry in entries {
                guard (entry["model"] as? String)?.hasPrefix("models/") == true,
                    let text = Self.geminiText(entry["content"])
                else {
                    return geminiError(
                        400, message: "* BatchEmbedContentsRequest.requests: model and content are required")
                }
                let size = entry["outputDimensionality"] as? Int ?? ProviderDouble.defaultEmbeddingDimensions
                embeddings.append(["values": ProviderDouble.embeddingVector(for: text, dimensions: size)])
            }
            return .json(.ok, ["embeddings": embeddings])
        }
        if path.hasSuffix(":embedContent") {
            guard let text = Self.geminiText(json["content"]) else {
                return geminiError(400, message: "* EmbedContentRequest.content: contents must not be empty")
            }
            let size = json["outputDimensionality"] as? Int ?? ProviderDouble.defaultEmbeddingDimensions
            return .json(.ok, ["embedding": ["values": ProviderDouble.embeddingVector(for: text, dimensions: size)]])
        }
        let inputs: [String]
        if let text = json["input"] as? String {
            inputs = [text]
        } else if let list = json["input"] as? [String], !list.isEmpty {
            inputs = list
        } else if path == "/api/embed" {
            return ollamaError(400, message: "invalid input type")
        } else {
            return openAIError(400, message: "'input' must be a string or a non-empty list of strings")
        }
        let size = json["dimensions"] as? Int ?? ProviderDouble.defaultEmbeddingDimensions
        let vectors = inputs.map { ProviderDouble.embeddingVector(for: $0, dimensions: size) }
        let tokens = behaviour.promptTokens ?? inputs.map(Self.wordCount).reduce(0, +)
        let model = behaviour.model ?? (json["model"] as? String ?? "")
        if path == "/api/embed" {
            return .json(
                .ok,
                [
                    "model": model, "embeddings": vectors, "total_duration": 14_000_000, "load_duration": 1_000_000,
                    "prompt_eval_count": tokens,
                ])
        }
        let base64 = (json["encoding_format"] as? String) == "base64"
        let data = vectors.enumerated().map { index, vector -> [String: Any] in
            ["object": "embedding", "index": index, "embedding": base64 ? Self.base64Float32(vector) : vector]
        }
        return .json(
            .ok,
            [
                "object": "list", "data": data, "model": model,
                "usage": ["prompt_tokens": tokens, "total_tokens": tokens],
            ])
    }

    /// The concatenated text parts of a Gemini `Content`, or `nil` when there are none.
    static func geminiText(_ content: Any?) -> String? {
        guard let parts = (content as? [String: Any])?["parts"] as? [[String: Any]] else { return nil }
        let texts = parts.compactMap { $0["text"] as? String }
        return texts.isEmpty ? nil : texts.joined()
    }

    /// Little-endian float32 bytes, base64-encoded, as OpenAI sends `encoding_format: base64`.
    static func base64Float32(_ vector: [Double]) -> String {
        var data = Data(capacity: vector.count * 4)
        for value in vector {
            let bits = Float(value).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
        }
        return data.base64EncodedString()
    }
}
