import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

// `POST {base}/embeddings` (protocols.md §3.6). The inputs go as a list and the vectors are asked
// for as floats (the API default, which every compatible server speaks); the gateway encodes
// base64 for its own callers.
extension OpenAIProvider: EmbeddingProvider {
    public func embed(
        _ request: EmbeddingRequest, model: String, timeout: Duration, logger: Logger
    ) async throws(ProviderError) -> Embeddings {
        try await postEmbeddingBody(
            request, to: "embeddings", model: model, timeout: timeout, logger: logger,
            read: Self.embeddings(from:inputCount:requestedModel:))
    }

    struct EmbeddingResponse: Decodable {
        struct Item: Decodable {
            var index: Int?
            var embedding: EmbeddingVector
        }
        var data: [Item]
        var model: String?
        var usage: Usage?
    }

    /// A vector as JSON numbers, or as base64 little-endian float32 (what a server that ignores
    /// our float request, or defaults to base64, sends).
    struct EmbeddingVector: Decodable {
        var values: [Double]

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let numbers = try? container.decode([Double].self) {
                values = numbers
                return
            }
            let text = try container.decode(String.self)
            guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not base64 little-endian float32")
            }
            values = stride(from: 0, to: data.count, by: 4).map { offset in
                let bits =
                    UInt32(data[data.startIndex + offset]) | UInt32(data[data.startIndex + offset + 1]) << 8
                    | UInt32(data[data.startIndex + offset + 2]) << 16
                    | UInt32(data[data.startIndex + offset + 3]) << 24
                return Double(Float(bitPattern: bits))
            }
        }
    }

    /// Reads a 2xx embedding list; the vectors are put in `index` order and must be one per input.
    static func embeddings(
        from body: ByteBuffer, inputCount: Int, requestedModel: String
    ) throws(ProviderError) -> Embeddings {
        let decoded = try WireJSON.decode(
            EmbeddingResponse.self, from: body,
            orFailWith: "the OpenAI-compatible server answered 200 with a body that is not an embedding list")
        let ordered = decoded.data.enumerated().sorted {
            ($0.element.index ?? $0.offset) < ($1.element.index ?? $1.offset)
        }
        try Embeddings.checkVectorCount(
            ordered.count, inputs: inputCount, from: "the OpenAI-compatible server")
        return Embeddings(
            vectors: ordered.map(\.element.embedding.values), model: decoded.model ?? requestedModel,
            usage: decoded.usage?.tokenUsage)
    }
}
