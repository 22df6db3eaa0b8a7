import Synchronization

/// Where one request's time went, carried in `ChatRequestContext.timing` from the moment the
/// context is made (the request head has arrived) until `MetricsMiddleware` writes the
/// `Server-Timing` header and `chat_gateway_overhead_seconds` from it.
///
/// Controllers add the time they spend waiting on providers (`addUpstream`) and the recorder the
/// time it spends making the interaction durable (`addStore`). A class, because the context is
/// copied by value down the middleware chain and the middleware must see what the handler added;
/// one per request is its only allocation. The sums are atomics, so it is `Sendable` without a
/// lock: a request's additions happen one after another in practice (relaxed ordering is
/// enough: the middleware reads them after `next` returned, in the same task).
final class RequestTiming: Sendable {
    /// When the service got the request (the context was created): the start of "total".
    let started: ContinuousClock.Instant
    private let upstreamNanoseconds = Atomic<Int64>(0)
    private let storeNanoseconds = Atomic<Int64>(0)

    init(started: ContinuousClock.Instant = .now) {
        self.started = started
    }

    /// Adds the time since `start` to the time spent waiting on providers: the provider chain's
    /// call (every attempt and every backoff sleep) or a model-list lookup that may ask them.
    func addUpstream(since start: ContinuousClock.Instant) {
        upstreamNanoseconds.wrappingAdd(Self.nanoseconds(ContinuousClock.now - start), ordering: .relaxed)
    }

    /// Runs `work` (a provider chain's call, a model-list lookup) and adds the time it took to
    /// the time spent waiting on providers, as `addUpstream` does.
    func upstream<Value>(_ work: () async -> Value) async -> Value {
        let started = ContinuousClock.now
        defer { addUpstream(since: started) }
        return await work()
    }

    /// Adds the time since `start` to the time spent making the interaction durable (the
    /// interaction log's `record`).
    func addStore(since start: ContinuousClock.Instant) {
        storeNanoseconds.wrappingAdd(Self.nanoseconds(ContinuousClock.now - start), ordering: .relaxed)
    }

    /// The figures as of `end` (the moment the response head is handed back to the server).
    func serverTiming(at end: ContinuousClock.Instant = .now) -> ServerTiming {
        ServerTiming(
            total: end - started,
            upstream: .nanoseconds(upstreamNanoseconds.load(ordering: .relaxed)),
            store: .nanoseconds(storeNanoseconds.load(ordering: .relaxed)))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(0, seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000)
    }
}
