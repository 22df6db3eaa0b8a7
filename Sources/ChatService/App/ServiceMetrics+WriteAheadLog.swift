import Persistence
import Prometheus

/// The write-ahead log's figures in `/metrics`: fsync latency, shipments to MongoDB (batch size,
/// duration, documents), and, read at scrape time, the log's depth and shipping lag.
extension ServiceMetrics {
    private static let fsyncBuckets: [Duration] = [
        .microseconds(50), .microseconds(100), .microseconds(200), .microseconds(500), .milliseconds(1),
        .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1),
    ]

    private static func descriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// One fsync of the write-ahead log.
    func recordLogSync(_ duration: Duration) {
        unlabelledHistograms.handle("chat_log_fsync_seconds") {
            registry.makeDurationHistogram(
                descriptor: Self.descriptor("chat_log_fsync_seconds", "fsync latency of the local write-ahead log"),
                buckets: Self.fsyncBuckets)
        }.record(duration)
    }

    /// The log's shipping lag and counters, set just before a scrape (`recordSpool` sets its depth).
    func recordShippingLag(_ lag: (records: Int, seconds: Double), statistics: SpoolStatistics) {
        registry.makeGauge(
            descriptor: Self.descriptor(
                "chat_log_shipping_lag_records", "Records in the write-ahead log not yet in MongoDB")
        ).set(Double(lag.records))
        registry.makeGauge(
            descriptor: Self.descriptor("chat_log_shipping_lag_seconds", "Age of the oldest record not yet in MongoDB")
        ).set(lag.seconds)
        registry.makeGauge(descriptor: Self.descriptor("chat_log_appended_records", "Records appended since start-up"))
            .set(Double(statistics.appended))
        registry.makeGauge(descriptor: Self.descriptor("chat_log_fsyncs", "fsync calls of the log since start-up"))
            .set(Double(statistics.appendSyncs))
    }
}
