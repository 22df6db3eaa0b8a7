import HTTPTypes
import Hummingbird

/// Renders every `APIError` of the OpenAI-compatible routes in OpenAI's shape
/// (`{"error": {"message","type","param","code"}}`, protocols.md §3.7) with the status codes the
/// SDKs map to their error classes, plus `retry-after`/`retry-after-ms` when a delay is known.
struct OpenAIErrorMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try Self.response(for: error)
        }
    }

    static func response(for error: APIError) throws -> Response {
        var headers = HTTPFields()
        headers.setRetryAfter(error.retryAfter, milliseconds: true)
        return try JSONResponse.make(error.status, body(for: error), headers: headers)
    }

    static func body(for error: APIError) -> OpenAIWire.ErrorBody {
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
