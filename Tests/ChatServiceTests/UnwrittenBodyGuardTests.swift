import NIOConcurrencyHelpers
import Testing

@testable import ChatService

/// The guard that stores a streamed call whose body Hummingbird never ran (the client left
/// between the route's answer and the head): it acts only when released unstarted, and once.
@Suite("A streamed response whose body never runs")
struct UnwrittenBodyGuardTests {
    @Test("released before its body started, the guard runs its work once")
    func unstartedRuns() async throws {
        let runs = NIOLockedValueBox(0)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            var bodyGuard: UnwrittenBodyGuard? = UnwrittenBodyGuard {
                runs.withLockedValue { $0 += 1 }
                done.resume()
            }
            #expect(bodyGuard != nil)
            bodyGuard = nil
        }
        #expect(runs.withLockedValue { $0 } == 1)
    }

    @Test("a body that started stores the call itself: the guard does nothing when released")
    func startedDoesNothing() async throws {
        let runs = NIOLockedValueBox(0)
        do {
            let started = UnwrittenBodyGuard { runs.withLockedValue { $0 += 1 } }
            started.bodyStarted()
        }
        // A released, unstarted guard after it: once its work has run, the first one's would
        // have been scheduled too had it been going to run.
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            _ = UnwrittenBodyGuard { done.resume() }
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(runs.withLockedValue { $0 } == 0)
    }
}
