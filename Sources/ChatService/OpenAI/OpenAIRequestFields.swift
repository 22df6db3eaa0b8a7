import Foundation

/// The checks the OpenAI-route bodies share, worded as OpenAI words them, so `/v1/embeddings`,
/// `/v1/images/generations` and the completion routes refuse the same mistakes the same way.
enum OpenAIRequestFields {
    /// Decodes a body: not JSON, or not a JSON object, is a 400 without `param`; a field at
    /// `path` whose value was refused is the 400 `refused(path)` words.
    static func decode<Wire: Decodable>(
        _ body: some DataProtocol, refusingField refused: (_ path: String) -> APIError
    ) throws(APIError) -> Wire {
        do throws(JSONRequestBody.Failure) {
            return try JSONRequestBody.decode(from: body)
        } catch {
            switch error {
            case .wrongType(let path), .invalidValue(let path):
                if path.isEmpty { throw .invalidRequest("the body must be a JSON object") }
                throw refused(path)
            case .notJSON:
                throw .invalidRequest("the body is not valid JSON")
            }
        }
    }

    /// `model`, which must be there and not blank.
    static func requiredModel(_ model: String?) throws(APIError) -> String {
        guard let model, !model.allSatisfy(\.isWhitespace) else {
            throw .invalidRequest("you must provide a model parameter", param: "model")
        }
        return model
    }
}
