import Prometheus

extension ServiceMetrics {
    /// Up to three label values, the key of a `MetricHandleCache` (the label names are fixed per
    /// metric, so only the values tell two handles apart).
    struct LabelValues: Hashable, Sendable {
        var first: String
        var second: String = ""
        var third: String = ""
    }
}
