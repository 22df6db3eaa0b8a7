import Hummingbird
import NIOCore
import Persistence
import Prometheus

/// `GET /metrics`: the registry in Prometheus text format, with the write-ahead log's gauges read at
/// scrape time (they describe a level, not events).
struct MetricsController: Sendable {
    let metrics: ServiceMetrics
    let spoolStatistics: @Sendable () -> SpoolStatistics
    let shippingLag: @Sendable () -> (records: Int, seconds: Double)

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("/metrics") { _, _ in
            let statistics = spoolStatistics()
            metrics.recordSpool(statistics)
            metrics.recordShippingLag(shippingLag(), statistics: statistics)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.registry.emitToBuffer())))
        }
    }
}
