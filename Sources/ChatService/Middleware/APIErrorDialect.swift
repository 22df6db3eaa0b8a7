import HTTPTypes
import Hummingbird

/// The error shape a route family's clients read, so one `APIError` reaches each client the way
/// its SDK expects: OpenAI's `{"error": {"message","type","param","code"}}` (protocols.md §3.7)
/// with `retry-after`/`retry-after-ms`, or Ollama's `{"error": "<message>"}` (protocols.md §2.6;
/// the `ollama` library raises `ResponseError(error, status_code)`) with `Retry-After`.
enum APIErrorDialect: Sendable {
    case openAI
    case ollama

    func response(for error: APIError) throws -> Response {
        var headers = HTTPFields()
        switch self {
        case .openAI:
            headers.setRetryAfter(error.retryAfter, milliseconds: true)
            return try JSONResponse.make(error.status, Self.openAIBody(for: error), headers: headers)
        case .ollama:
            headers.setRetryAfter(error.retryAfter)
            return try JSONResponse.make(error.status, OllamaBody(error: error.message), headers: headers)
        }
    }

    /// Ollama's error body.
    struct OllamaBody: Encodable {
        var error: String
    }

    /// OpenAI's error body, with the `type` and `code` the SDKs map to their error classes.
    static func openAIBody(for error: APIError) -> OpenAIWire.ErrorBody {
        let type: String
        var code: String? = error.code
        switch error.status.code {
        case 400, 404, 413:
            type = "invalid_request_error"
            if error.code == "invalid_request" { code = nil }
        case 401:
            type = "invalid_request_error"
            code = "invalid_api_key"
        case 429:
            type = "requests"
            code = "rate_limit_exceeded"
        default:
            type = error.status.code >= 500 ? "server_error" : "invalid_request_error"
        }
        return OpenAIWire.ErrorBody(error: .init(message: error.message, type: type, param: error.param, code: code))
    }
}
