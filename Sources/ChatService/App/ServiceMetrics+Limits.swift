import Prometheus

extension ServiceMetrics {
    /// A call refused with 429 because its key passed a limit (`requestsPerMinute`,
    /// `tokensPerMinute`, `budgetPerDay`, `budgetPerMonth`): the fixed set of limit names.
    func recordLimitRejection(limit: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "chat_rate_limited_total", unitName: "",
                helpText: "Calls refused with 429 because their key reached a limit"),
            labels: [("limit", limit)]
        ).increment()
    }

    /// A failed login (no such user or wrong password; never labelled with the username) and
    /// whether it was refused outright because the username had too many failures.
    func recordLoginFailure(throttled: Bool) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "chat_login_failures_total", unitName: "",
                helpText: "Failed logins; throttled=true when refused with 429 after too many failures"),
            labels: [("throttled", throttled ? "true" : "false")]
        ).increment()
    }
}
