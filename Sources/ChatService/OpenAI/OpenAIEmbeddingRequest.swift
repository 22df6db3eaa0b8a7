import Foundation

/// The body of `POST /v1/embeddings` as the official `openai` SDKs send it (protocols.md §3.6),
/// validated: every rejection is a 400 naming the parameter, before any provider is called.
struct OpenAIEmbeddingRequest: Sendable, Equatable {
    /// How the vectors go back: JSON numbers, or base64 little-endian float32 (the SDK's default ask).
    enum EncodingFormat: String, Sendable {
        case float
        case base64
    }

    /// OpenAI's own cap on inputs per request; larger batches are refused, not split.
    static let maxInputs = 2048
    /// The longest vector any embedding model makes (4096: the largest open models; OpenAI's go
    /// to 3072), so no request can ask an upstream for gigabytes of floats.
    static let maxDimensions = 4096

    var model: String
    var inputs: [String]
    var encodingFormat: EncodingFormat
    var dimensions: Int?
    var user: String?

    /// The stored `prompt`: the inputs joined by "\n" (SPEC §4).
    var prompt: String { inputs.joined(separator: "\n") }
}

extension OpenAIEmbeddingRequest {
    init(json body: some DataProtocol) throws(APIError) {
        let wire: Wire = try OpenAIRequestFields.decode(body) { path in
            path.hasPrefix("input")
                ? .invalidRequest("input must be a string or a list of strings", param: "input")
                : .invalidRequest("\(path) has the wrong type", param: path)
        }
        let model = try OpenAIRequestFields.requiredModel(wire.model)
        let inputs: [String]
        switch wire.input {
        case nil:
            throw .invalidRequest("input is required: a string or a list of strings", param: "input")
        case .tokens:
            throw .invalidRequest(
                "token arrays are not supported as input: send the text as a string or a list of strings",
                param: "input")
        case .texts(let texts):
            inputs = texts
        }
        guard !inputs.isEmpty else {
            throw .invalidRequest("input must not be an empty list", param: "input")
        }
        guard inputs.count <= Self.maxInputs else {
            throw .invalidRequest(
                "input holds \(inputs.count) items; at most \(Self.maxInputs) are allowed per request", param: "input")
        }
        if let empty = inputs.firstIndex(where: \.isEmpty) {
            throw .invalidRequest(
                inputs.count == 1 ? "input must not be an empty string" : "input[\(empty)] must not be an empty string",
                param: "input")
        }
        var format = EncodingFormat.float
        if let requested = wire.encoding_format {
            guard let known = EncodingFormat(rawValue: requested) else {
                throw .invalidRequest(
                    "encoding_format must be \"float\" or \"base64\", not \"\(requested)\"", param: "encoding_format")
            }
            format = known
        }
        if let dimensions = wire.dimensions, !(1...Self.maxDimensions).contains(dimensions) {
            throw .invalidRequest("dimensions must be between 1 and \(Self.maxDimensions)", param: "dimensions")
        }
        self.init(
            model: model, inputs: inputs, encodingFormat: format, dimensions: wire.dimensions,
            user: wire.user.flatMap { $0.isEmpty ? nil : $0 })
    }

    private struct Wire: Decodable {
        var model: String?
        var input: InputWire?
        var encoding_format: String?
        var dimensions: Int?
        var user: String?
    }

    /// `input`: a string or a list of strings; token arrays (`[Int]`, `[[Int]]`) are told apart
    /// so the 400 can say why they are refused.
    private enum InputWire: Decodable {
        case texts([String])
        case tokens

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .texts([text])
            } else if let texts = try? container.decode([String].self) {
                self = .texts(texts)
            } else if (try? container.decode([Int].self)) != nil || (try? container.decode([[Int]].self)) != nil {
                self = .tokens
            } else {
                throw DecodingError.typeMismatch(
                    [String].self,
                    .init(codingPath: container.codingPath, debugDescription: "a string or a list of strings"))
            }
        }
    }
}
