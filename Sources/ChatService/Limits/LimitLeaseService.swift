import Logging
import ServiceLifecycle

/// Gives back the slices of per-minute windows this replica reserved and did not use, every
/// quarter of a second (a slice idle for `WindowLease.lifetime` goes back), and all of them at
/// graceful shutdown, so a replica that stops or goes quiet does not keep requests other
/// replicas could admit. A replica killed outright keeps its slices until its window ends.
struct LimitLeaseService: Service {
    let limiter: KeyLimiter
    let logger: Logger
    /// Between two looks at the slices; injected so tests need not wait.
    var interval: Duration = .milliseconds(250)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await limiter.returnIdleSlices(logger: logger)
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    break
                }
            }
        }
        await limiter.returnIdleSlices(all: true, logger: logger)
    }
}
