import HTTPTypes
import Hummingbird

/// Counts every request by its matched route pattern (not the raw path, so label cardinality
/// stays bounded) and status, records the time to the response head and the time the service
/// added (`chat_gateway_overhead_seconds`: total minus upstream), and writes the same figures
/// into every response's `Server-Timing` header (see `ServerTiming` for what each one covers).
///
/// It is the outermost middleware, so "total" spans every other middleware; the clock starts
/// when the request context is made (`RequestTiming.started`), just before this runs.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    let metrics: ServiceMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            var response = try await next(request, context)
            let timing = record(request, context, status: response.status.code)
            response.headers[ServerTiming.headerName] = timing.headerValue
            return response
        } catch {
            // Only an error nothing inside turned into a response gets here (Hummingbird answers
            // it with a bare 500); it is still counted.
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, context, status: status)
            throw error
        }
    }

    @discardableResult
    private func record(_ request: Request, _ context: Context, status: Int) -> ServerTiming {
        let timing = context.timing.serverTiming()
        // The router's pattern for the matched route ("NotFound" when none matched): one of a
        // fixed set, never the caller's path.
        let route = context.endpointPath ?? "unmatched"
        metrics.recordRequest(route: route, method: request.method.rawValue, status: status, duration: timing.total)
        metrics.recordGatewayOverhead(route: route, overhead: timing.gateway)
        return timing
    }
}
