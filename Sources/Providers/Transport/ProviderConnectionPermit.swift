import Synchronization

/// One of a provider host's connections, taken by an attempt before its clock starts and given
/// back when the attempt's HTTP exchange ends, so at most `PROVIDER_MAX_CONNECTIONS` exchanges
/// per host are ever in flight and AsyncHTTPClient never queues one inside an attempt's timeout.
///
/// It exists because a streamed exchange outlives the attempt that opened it: the attempt ends at
/// the first chunk, the body goes on. The chain holds the permit for the attempt and makes it
/// `current` while the attempt runs; a stream's reader adds itself as a holder (`hold()`) before
/// the attempt returns. The connection goes back when the last holder releases it, and at the
/// latest when the permit is deallocated, so no path (error, cancellation, a dropped stream)
/// keeps a connection slot forever.
final class ProviderConnectionPermit: Sendable {
    /// The permit of the attempt running in this task, for the transport to hold on to.
    @TaskLocal static var current: ProviderConnectionPermit?

    private let semaphore: AsyncCountingSemaphore
    /// Starts at one: the attempt that took the permit.
    private let holders = Mutex(1)

    /// Wraps a permit already taken from `semaphore`.
    init(takenFrom semaphore: AsyncCountingSemaphore) {
        self.semaphore = semaphore
    }

    /// Adds a holder (a stream's body reader), who must `release()` once. Returns `false`, adding
    /// none, if the permit was already given back.
    @discardableResult
    func hold() -> Bool {
        holders.withLock { holders in
            guard holders > 0 else { return false }
            holders += 1
            return true
        }
    }

    /// Drops one holder; the last one gives the connection back.
    func release() {
        let last = holders.withLock { holders -> Bool in
            guard holders > 0 else { return false }
            holders -= 1
            return holders == 0
        }
        if last { semaphore.signal() }
    }

    deinit {
        if holders.withLock({ $0 }) > 0 { semaphore.signal() }
    }
}
