/// The clock the provider layer reads and waits on: attempt timeouts, first-byte and idle
/// timeouts of streams, the request deadline and the backoff between retries.
///
/// It exists so tests can put in a clock they move forward themselves, and see a timeout or a
/// deadline pass without waiting it out in real seconds. It keeps `ContinuousClock`'s instants,
/// so deadlines computed by callers from `ContinuousClock.now` stay comparable. Production uses
/// `.continuous`.
public struct ProviderClock: Clock {
    public typealias Instant = ContinuousClock.Instant

    private let readNow: @Sendable () -> Instant
    private let waitUntil: @Sendable (Instant, Duration?) async throws -> Void
    public let minimumResolution: Duration

    /// Wraps any clock that counts in `ContinuousClock`'s instants.
    public init<Wrapped: Clock>(_ wrapped: Wrapped) where Wrapped.Instant == Instant {
        readNow = { wrapped.now }
        waitUntil = { deadline, tolerance in try await wrapped.sleep(until: deadline, tolerance: tolerance) }
        minimumResolution = wrapped.minimumResolution
    }

    /// The real clock.
    public static let continuous = ProviderClock(ContinuousClock())

    public var now: Instant { readNow() }

    /// Returns at `deadline`; throws `CancellationError` when the waiting task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try await waitUntil(deadline, tolerance)
    }
}
