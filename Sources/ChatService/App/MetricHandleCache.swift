import Synchronization

/// The Prometheus handles (`Counter`, `Histogram`) `ServiceMetrics` has already made, by label
/// values, so a request's figures cost one small dictionary look-up each instead of a registry
/// `make…` call (which validates the metric name, hashes the descriptor and every label pair and
/// takes the registry's lock: ~9,000 instructions each, seven of them per `/v1/chat`).
///
/// The registry returns the same handle for the same name and labels, so two callers racing to
/// make one get the same object; the cache never changes what is exported.
final class MetricHandleCache<Key: Hashable & Sendable, Metric: AnyObject & Sendable>: Sendable {
    private let handles = Mutex<[Key: Metric]>([:])

    /// The handle for `key`, made with `make` the first time.
    func handle(_ key: Key, make: () -> Metric) -> Metric {
        if let found = handles.withLock({ $0[key] }) { return found }
        let made = make()
        handles.withLock { $0[key] = made }
        return made
    }
}
