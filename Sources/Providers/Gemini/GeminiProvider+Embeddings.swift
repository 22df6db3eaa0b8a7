import Logging
import NIOCore

// `POST {base}/v1beta/models/{model}:batchEmbedContents` (protocols.md §1.6). Gemini takes at most
// 100 requests per batch, so longer input lists go as consecutive batches within the one timeout.
// Gemini reports no token counts for embeddings.
extension GeminiProvider: EmbeddingProvider {
    /// The most entries one `batchEmbedContents` call accepts.
    static let maxEmbeddingBatch = 100

    public func embed(
        _ request: EmbeddingRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Embeddings {
        let deadline = transport.clock.now + timeout
        var vectors: [[Double]] = []
        vectors.reserveCapacity(request.inputs.count)
        for start in stride(from: 0, to: request.inputs.count, by: Self.maxEmbeddingBatch) {
            let batch = Array(request.inputs[start..<min(start + Self.maxEmbeddingBatch, request.inputs.count)])
            let remaining = deadline - transport.clock.now
            guard remaining > .zero else {
                throw ProviderError(kind: .timeout, message: "no complete answer within \(timeout.milliseconds) ms")
            }
            vectors += try await post(
                "batchEmbedContents",
                body: Self.batchEmbedBody(for: batch, dimensions: request.dimensions, model: model),
                model: model, timeout: remaining, logger: logger
            ) { body throws(ProviderError) in
                try Self.vectors(from: body, inputCount: batch.count)
            }
        }
        return Embeddings(vectors: vectors, model: model, usage: nil)
    }

    struct BatchEmbedBody: Encodable, Equatable {
        struct Entry: Encodable, Equatable {
            var model: String
            var content: Content
            var outputDimensionality: Int?
        }
        struct Content: Encodable, Equatable {
            var parts: [Part]
        }
        struct Part: Encodable, Equatable {
            var text: String
        }
        var requests: [Entry]
    }

    struct BatchEmbedResponse: Decodable {
        struct Values: Decodable {
            var values: [Double]
        }
        var embeddings: [Values]
    }

    /// `model` in each entry is required and carries the `models/` prefix.
    static func batchEmbedBody(for inputs: [String], dimensions: Int?, model: String) -> BatchEmbedBody {
        let name = model.hasPrefix("models/") ? model : "models/\(model)"
        return BatchEmbedBody(
            requests: inputs.map {
                .init(model: name, content: .init(parts: [.init(text: $0)]), outputDimensionality: dimensions)
            })
    }

    static func vectors(from body: ByteBuffer, inputCount: Int) throws(ProviderError) -> [[Double]] {
        let decoded = try WireJSON.decode(
            BatchEmbedResponse.self, from: body,
            orFailWith: "Gemini answered 200 with a body that is not a batchEmbedContents answer")
        try Embeddings.checkVectorCount(decoded.embeddings.count, inputs: inputCount, from: "Gemini")
        return decoded.embeddings.map(\.values)
    }
}
