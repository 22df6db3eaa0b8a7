import MongoDriver
import NIOPosix
import Synchronization

extension InteractionStore {
    /// Whether MongoDB answers a `ping` within `timeout` (and within the URI's server selection
    /// timeout, 2 s by default). Never throws: it is for `/ready`.
    ///
    /// Pings are single-flight: while one blocking ping runs on the thread pool, further callers
    /// wait for its answer instead of submitting their own, so frequent readiness probes against
    /// a dead database hold at most one thread-pool thread (each blocked ping lasts up to the
    /// server selection timeout). A caller whose `timeout` passes first gets `false`; the ping
    /// itself still finishes in the background.
    public func ping(timeout: Duration = .seconds(1)) async -> Bool {
        let waiter = OneShotContinuation<Bool>()
        let deadline = Task {
            try? await Task.sleep(for: timeout)
            waiter.resume(returning: false)
        }
        let answered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            waiter.install(continuation)
            let startsPing = pingWaiters.withLock { waiters -> Bool in
                if waiters == nil {
                    waiters = [waiter]
                    return true
                }
                waiters?.append(waiter)
                return false
            }
            if startsPing {
                startPing()
            }
        }
        deadline.cancel()
        return answered
    }

    /// Runs one blocking ping on the thread pool and answers everyone waiting for it.
    private func startPing() {
        let database = self.database
        database.threadPool.submit { [self] state in
            var ok = false
            if case .active = state {
                ok = (try? database.pingBlocking()) != nil
            }
            let waiters = pingWaiters.withLock { waiters -> [OneShotContinuation<Bool>] in
                defer { waiters = nil }
                return waiters ?? []
            }
            for waiter in waiters {
                waiter.resume(returning: ok)
            }
        }
    }
}
