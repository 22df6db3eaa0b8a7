import HTTPTypes
import Hummingbird

/// Renders every `APIError` of the Ollama-native routes (`/api/*`, `/preload`) in Ollama's shape,
/// `{"error": "<message>"}` (protocols.md §2.6), with the status Ollama would use, so Ollama's own
/// clients (the `ollama` Python library raises `ResponseError(error, status_code)`) read them.
struct OllamaErrorMiddleware: RouterMiddleware {
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
        headers.setRetryAfter(error.retryAfter)
        return try JSONResponse.make(error.status, Body(error: error.message), headers: headers)
    }

    /// Ollama's error body.
    struct Body: Encodable {
        var error: String
    }
}
