import HTTPTypes
import Hummingbird
import OTel
import Tracing

/// Puts the call's W3C trace id in the request context, for the stored document's `traceId`:
/// the trace of the request span when traces are exported (the caller's trace when it sent a
/// `traceparent`, else a new one), otherwise the caller's `traceparent` trace id, if valid.
struct TraceIDMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    static let headerName = HTTPField.Name("traceparent")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.traceID =
            ServiceContext.current?.otelTraceID
            ?? TraceParent(header: request.headers[Self.headerName])?.traceID
        return try await next(request, context)
    }
}
