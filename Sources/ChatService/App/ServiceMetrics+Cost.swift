import Persistence
import Prometheus

extension ServiceMetrics {
    /// Adds a priced call's cost to `chat_cost_usd_total` by provider and model, so spend can be
    /// graphed without querying MongoDB. Unpriced calls add nothing.
    func recordCost(_ interaction: Interaction) {
        guard let cost = interaction.cost, cost.total > 0 else { return }
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "chat_cost_usd_total", unitName: "",
                helpText: "Cost of answered calls in USD, from the price table, by provider and model"),
            labels: [("provider", interaction.provider), ("model", interaction.model)]
        ).increment(by: cost.total)
    }
}
