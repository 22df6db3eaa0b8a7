import Hummingbird

/// Renders every `APIError` thrown by a route family's handlers (and its authenticator) in that
/// family's `APIErrorDialect`: OpenAI's shape on `/v1/*` client routes, Ollama's on `/api/*` and
/// `/preload`. Other errors pass on to `RequestIDMiddleware`.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    let dialect: APIErrorDialect

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return try dialect.response(for: error)
        }
    }
}
