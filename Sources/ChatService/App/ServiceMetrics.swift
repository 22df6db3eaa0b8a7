import Persistence
import Prometheus

/// Every number an operator scrapes from `GET /metrics`, in one Prometheus registry owned by
/// this application (no process-global metrics state, so tests can run many apps side by side).
///
/// HTTP requests by route and status with a latency histogram; the time the service itself added
/// per route (`chat_gateway_overhead_seconds`); provider attempts, retries,
/// fallbacks and failures by provider with an upstream latency histogram; MongoDB bulk-insert
/// latency and batch size; spool depth; tokens by provider and model.
final class ServiceMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    /// Bounds the `model` label (issue 14 row 10): a model name comes from callers and upstreams.
    let modelLabels = ModelLabelSet()
    /// Handles made on the request path, by label values (`MetricHandleCache`: a registry
    /// `make…` per figure cost more than the rest of the metrics work together).
    private let requestCounters = MetricHandleCache<LabelValues, Counter>()
    private let requestDurations = MetricHandleCache<String, DurationHistogram>()
    private let overheadDurations = MetricHandleCache<String, DurationHistogram>()
    private let attemptCounters = MetricHandleCache<LabelValues, Counter>()
    private let upstreamDurations = MetricHandleCache<String, DurationHistogram>()
    private let tokenCounters = MetricHandleCache<LabelValues, Counter>()
    let unlabelledHistograms = MetricHandleCache<String, DurationHistogram>()

    private static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]
    /// A full metric name (unit already in it, e.g. `_seconds`, `_total`) with its help text.
    private static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// Finer at the low end than `latencyBuckets`: the service's own share is meant to stay
    /// well under a millisecond.
    private static let overheadBuckets: [Duration] = [
        .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
    ]

    private static let batchBuckets: [Double] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000]

    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        requestCounters.handle(LabelValues(first: route, second: method, third: String(status))) {
            registry.makeCounter(
                descriptor: Self.named("chat_http_requests_total", "HTTP requests by route, method and status"),
                labels: [("route", route), ("method", method), ("status", String(status))])
        }.increment()
        requestDurations.handle(route) {
            registry.makeDurationHistogram(
                descriptor: Self.named("chat_http_request_duration_seconds", "Time to the response head"),
                labels: [("route", route)], buckets: Self.latencyBuckets)
        }.record(duration)
    }

    /// The time the service added to one request: total minus the time spent waiting on
    /// providers (`ServerTiming.gateway`, so it includes making the interaction durable).
    /// `route` must be the router's pattern for the matched route (or a fixed fallback), never
    /// the caller's path, so the label set stays the fixed set of routes.
    func recordGatewayOverhead(route: String, overhead: Duration) {
        overheadDurations.handle(route) {
            registry.makeDurationHistogram(
                descriptor: Self.named(
                    "chat_gateway_overhead_seconds", "Time the service added to a request: total minus upstream"),
                labels: [("route", route)], buckets: Self.overheadBuckets)
        }.record(overhead)
    }

    /// What one finished call did upstream: each attempt, the retries among them, a fallback if
    /// one happened, and the tokens it used.
    func recordCall(_ interaction: Interaction) {
        var seen = Set<String>()
        for attempt in interaction.attempts {
            let provider = attempt.provider
            let status: String
            switch attempt.status {
            case .http(let code): status = String(code)
            case .transport(let name): status = name
            }
            attemptCounters.handle(LabelValues(first: provider, second: status)) {
                registry.makeCounter(
                    descriptor: Self.named("chat_provider_attempts_total", "Provider attempts by outcome"),
                    labels: [("provider", provider), ("status", status)])
            }.increment()
            if !seen.insert(provider).inserted {
                registry.makeCounter(
                    descriptor: Self.named("chat_provider_retries_total", "Attempts that were retries"),
                    labels: [("provider", provider)]
                ).increment()
            }
            if attempt.status != .http(200) {
                registry.makeCounter(
                    descriptor: Self.named("chat_provider_failures_total", "Failed provider attempts"),
                    labels: [("provider", provider)]
                ).increment()
            }
            upstreamDurations.handle(provider) {
                registry.makeDurationHistogram(
                    descriptor: Self.named("chat_upstream_duration_seconds", "Provider attempt latency"),
                    labels: [("provider", provider)], buckets: Self.latencyBuckets)
            }.record(.milliseconds(Int64(attempt.latencyMs)))
        }
        if interaction.fallback, interaction.status == .ok {
            registry.makeCounter(
                descriptor: Self.named("chat_provider_fallbacks_total", "Calls answered by a fallback provider"),
                labels: [("provider", interaction.provider)]
            ).increment()
        }
        let usage = interaction.usage
        for (kind, count) in [("prompt", usage.promptTokens), ("completion", usage.completionTokens)] where count > 0 {
            let model = modelLabels.label(for: interaction.model)
            tokenCounters.handle(LabelValues(first: interaction.provider, second: model, third: kind)) {
                registry.makeCounter(
                    descriptor: Self.named("chat_tokens_total", "Tokens by provider, model and kind"),
                    labels: [("provider", interaction.provider), ("model", model), ("kind", kind)])
            }.increment(by: Int64(count))
        }
    }

    /// The store's flush observer: bulk-insert latency, batch size, documents stored.
    func recordFlush(batchSize: Int, duration: Duration, stored: Int) {
        unlabelledHistograms.handle("chat_mongodb_write_duration_seconds") {
            registry.makeDurationHistogram(
                descriptor: Self.named("chat_mongodb_write_duration_seconds", "Bulk insert latency"),
                buckets: Self.latencyBuckets)
        }.record(duration)
        registry.makeValueHistogram(
            descriptor: Self.named("chat_mongodb_batch_size", "Documents per bulk insert"),
            buckets: Self.batchBuckets
        ).record(Double(batchSize))
        registry.makeCounter(
            descriptor: Self.named("chat_mongodb_documents_stored_total", "Documents acknowledged by MongoDB")
        ).increment(by: Int64(stored))
    }

    func recordSpool(_ statistics: SpoolStatistics) {
        registry.makeGauge(descriptor: Self.named("chat_spool_records", "Records waiting in the spool"))
            .set(Double(statistics.records))
        registry.makeGauge(descriptor: Self.named("chat_spool_bytes", "Bytes of spool segments"))
            .set(Double(statistics.bytes))
        registry.makeGauge(
            descriptor: Self.named("chat_spool_oldest_age_seconds", "Age of the oldest spooled record")
        ).set(Double(statistics.oldestAgeSeconds))
    }
}
