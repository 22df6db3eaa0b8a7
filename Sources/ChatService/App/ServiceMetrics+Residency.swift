import Prometheus

/// Model residency in `/metrics` (SPEC §7): Ollama model loads (by reason) and unloads, heavy-model
/// swaps with their duration, and how many heavy requests wait for their turn.
extension ServiceMetrics {
    private static let swapBuckets: [Duration] = [
        .milliseconds(10), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    private static func residencyDescriptor(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// A model load: `always_on` (start-up or put back), `preload`, or `on_use` (a request for a
    /// heavy model that was not loaded).
    func recordModelLoad(model: String, reason: String) {
        registry.makeCounter(
            descriptor: Self.residencyDescriptor("chat_ollama_model_loads_total", "Ollama model loads by reason"),
            labels: [("model", model), ("reason", reason)]
        ).increment()
    }

    /// A heavy model unloaded (`keep_alive: 0`) to make room for another.
    func recordModelUnload(model: String) {
        registry.makeCounter(
            descriptor: Self.residencyDescriptor("chat_ollama_model_unloads_total", "Ollama model unloads"),
            labels: [("model", model)]
        ).increment()
    }

    /// One heavy-model swap: from the unload request until `/api/ps` no longer listed the old model.
    func recordSwap(duration: Duration, succeeded: Bool) {
        registry.makeCounter(
            descriptor: Self.residencyDescriptor("chat_ollama_swaps_total", "Heavy-model swaps by outcome"),
            labels: [("outcome", succeeded ? "ok" : "failed")]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: Self.residencyDescriptor(
                "chat_ollama_swap_duration_seconds", "Time to unload a heavy model until /api/ps no longer lists it"),
            buckets: Self.swapBuckets
        ).record(duration)
    }

    /// Heavy-model requests waiting for their turn right now.
    func setHeavyQueueDepth(_ depth: Int) {
        registry.makeGauge(
            descriptor: Self.residencyDescriptor(
                "chat_ollama_heavy_queue_depth", "Heavy-model requests waiting for their turn")
        ).set(Double(depth))
    }

    /// The registry in Prometheus text format, as `GET /metrics` serves it.
    var prometheusText: String {
        String(decoding: registry.emitToBuffer(), as: UTF8.self)
    }
}
