import Hummingbird
import NIOCore
import Persistence
import Prometheus

/// `GET /metrics`: the registry in Prometheus text format, with the spool gauges read at scrape
/// time (they describe a level, not events).
struct MetricsController: Sendable {
    let metrics: ServiceMetrics
    let spoolStatistics: @Sendable () -> SpoolStatistics

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("/metrics") { _, _ in
            metrics.recordSpool(spoolStatistics())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }
}
