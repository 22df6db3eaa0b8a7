import HTTPTypes
import Hummingbird

/// Gives the 404 of an unknown path (or a known path with another method) a body in the shape of
/// the route family the caller was aiming at (issue 14 row 12): Ollama's `{"error": "..."}` under
/// `/api/`, OpenAI's shape under `/v1/`, SPEC §3.1's everywhere else. Hummingbird's own 404 has
/// an empty body, which no client can show its user.
struct UnknownRouteMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            let path = request.uri.path
            let message = "there is no route \(request.method.rawValue) \(path)"
            let notFound = APIError(status: .notFound, code: "not_found", message: message)
            if path.hasPrefix("/api/") { return try APIErrorDialect.ollama.response(for: notFound) }
            if path.hasPrefix("/v1/") { return try APIErrorDialect.openAI.response(for: notFound) }
            throw notFound
        }
    }
}
