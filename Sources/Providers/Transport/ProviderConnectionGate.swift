/// The admission gate in front of one provider host's connection pool: `PROVIDER_MAX_CONNECTIONS`
/// permits, one per HTTP exchange in flight.
///
/// It exists so that waiting for a connection happens *before* an attempt's clock starts: the
/// wait counts against the request's deadline, never as a failed attempt, and never causes a
/// retry or a fallback by itself (issue 14 row 2). Without it AsyncHTTPClient queued the request
/// for a pooled connection inside the attempt's timeout, and a long queue turned healthy calls
/// into timeouts. Copies share the same permits.
public struct ProviderConnectionGate: Sendable {
    /// `scheme://host:port`, the way AsyncHTTPClient keys its pool.
    public let host: String
    let semaphore: AsyncCountingSemaphore

    /// A gate with `connections` permits for `host`.
    public init(host: String, connections: Int) {
        self.host = host
        self.semaphore = AsyncCountingSemaphore(value: connections)
    }

    /// The number of exchanges that may be in flight to the host at once.
    public var connections: Int { semaphore.value }
    /// Exchanges that may start right now without waiting.
    public var available: Int { semaphore.available }
    /// Calls waiting for a connection right now.
    public var waiting: Int { semaphore.waiting }

    /// How a call's wait for a connection ended.
    enum Admission {
        /// Go ahead; release the permit when the exchange ends.
        case admitted(ProviderConnectionPermit)
        /// The request's deadline passed while every connection was busy.
        case deadlinePassed
        /// The calling task was cancelled while it waited.
        case cancelled
    }

    /// Waits for a connection, at most until `deadline` on `clock`, in arrival order.
    func admit(until deadline: ContinuousClock.Instant, on clock: ProviderClock) async -> Admission {
        switch await semaphore.wait(until: deadline, on: clock) {
        case .admitted: return .admitted(ProviderConnectionPermit(takenFrom: semaphore))
        case .deadlinePassed: return .deadlinePassed
        case .cancelled: return .cancelled
        }
    }
}
