import Providers
import TestSupport
import Testing

@Suite("RetryPolicy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(200), maxDelay: .seconds(5))

    @Test("the backoff cap doubles per retry from the base delay and stops at the max delay")
    func backoffCapDoublesUntilMax() {
        #expect(policy.backoffCap(forRetry: 0) == .milliseconds(200))
        #expect(policy.backoffCap(forRetry: 1) == .milliseconds(400))
        #expect(policy.backoffCap(forRetry: 2) == .milliseconds(800))
        #expect(policy.backoffCap(forRetry: 4) == .milliseconds(3200))
        #expect(policy.backoffCap(forRetry: 5) == .seconds(5))
        #expect(policy.backoffCap(forRetry: 100) == .seconds(5))
    }

    @Test("jittered delays stay within zero and the cap and actually spread over the range", arguments: [0, 1, 3, 6])
    func jitterStaysInRange(retry: Int) {
        var generator = SeededGenerator(state: UInt64(retry) + 42)
        let cap = policy.backoffCap(forRetry: retry)
        let samples = (0..<2000).map { _ in policy.delay(forRetry: retry, using: &generator) }
        #expect(samples.allSatisfy { $0 >= .zero && $0 <= cap })
        // Full jitter: both the low and the high quarter of the window are hit.
        #expect(samples.contains { $0 < cap / 4 })
        #expect(samples.contains { $0 > cap * 3 / 4 })
    }

    @Test("a server hint raises the delay to at least the hint")
    func serverHintRaisesDelay() {
        var generator = SeededGenerator(state: 7)
        for _ in 0..<200 {
            let delay = policy.delay(forRetry: 0, serverHint: .seconds(1), using: &generator)
            #expect(delay == .seconds(1))
        }
    }

    @Test("a server hint longer than the max delay is capped at the max delay")
    func serverHintIsCapped() {
        var generator = SeededGenerator(state: 7)
        #expect(policy.delay(forRetry: 0, serverHint: .seconds(60), using: &generator) == .seconds(5))
    }

    @Test("a zero base delay never waits")
    func zeroBaseDelay() {
        let immediate = RetryPolicy(maxAttempts: 3, baseDelay: .zero, maxDelay: .zero)
        #expect(immediate.delay(forRetry: 3) == .zero)
    }
}
