import Providers
import Synchronization
import TestSupport
import Testing

@Suite("AsyncCountingSemaphore")
struct AsyncCountingSemaphoreTests {
    /// Polls `condition` (real time, up to 10 s): for "the waiter is queued now" before a test acts.
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TimedOut() }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    struct TimedOut: Error {}

    /// What several tasks write down, in the order they did.
    final class Record: Sendable {
        private let values = Mutex<[Int]>([])
        func append(_ value: Int) { values.withLock { $0.append(value) } }
        var all: [Int] { values.withLock { $0 } }
    }

    @Test("free permits are taken at once and a waiter gets the next one given back")
    func takesAndGivesBack() async throws {
        let semaphore = AsyncCountingSemaphore(value: 2)
        try await semaphore.wait()
        try await semaphore.wait()
        #expect(semaphore.available == 0)
        #expect(!semaphore.tryWait())
        let waiter = Task { try await semaphore.wait() }
        try await eventually { semaphore.waiting == 1 }
        semaphore.signal()
        try await waiter.value
        #expect(semaphore.waiting == 0)
        #expect(semaphore.available == 0)
        semaphore.signal()
        semaphore.signal()
        #expect(semaphore.available == 2)
    }

    @Test("waiters are admitted in the order they asked")
    func firstInFirstOut() async throws {
        let semaphore = AsyncCountingSemaphore(value: 1)
        try await semaphore.wait()
        let order = Record()
        var waiters: [Task<Void, any Error>] = []
        for index in 0..<5 {
            waiters.append(
                Task {
                    try await semaphore.wait()
                    order.append(index)
                    semaphore.signal()
                })
            try await eventually { semaphore.waiting == index + 1 }
        }
        semaphore.signal()
        for waiter in waiters { try await waiter.value }
        #expect(order.all == [0, 1, 2, 3, 4])
        #expect(semaphore.available == 1)
    }

    @Test("a cancelled waiter leaves the queue, takes no permit, and the next waiter is served")
    func cancelledWaiterLeaks() async throws {
        let semaphore = AsyncCountingSemaphore(value: 1)
        try await semaphore.wait()
        let cancelled = Task { try await semaphore.wait() }
        try await eventually { semaphore.waiting == 1 }
        let patient = Task { try await semaphore.wait() }
        try await eventually { semaphore.waiting == 2 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(semaphore.waiting == 1)
        semaphore.signal()
        try await patient.value
        semaphore.signal()
        #expect(semaphore.available == 1)
        #expect(semaphore.waiting == 0)
    }

    @Test("a task cancelled before it waits takes no permit")
    func cancelledBeforeWaiting() async throws {
        let semaphore = AsyncCountingSemaphore(value: 1)
        try await semaphore.wait()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await semaphore.wait()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(semaphore.waiting == 0)
        semaphore.signal()
        #expect(semaphore.available == 1)
    }

    @Test("a wait bounded by a deadline gives up when the deadline passes, holding nothing")
    func deadlinePasses() async throws {
        let clock = AdjustableClock()
        let semaphore = AsyncCountingSemaphore(value: 1)
        try await semaphore.wait()
        let waiter = Task {
            await semaphore.wait(until: clock.now + .seconds(30), on: ProviderClock(clock))
        }
        try await eventually { semaphore.waiting == 1 }
        clock.advance(by: .seconds(30))
        #expect(await waiter.value == .deadlinePassed)
        #expect(semaphore.waiting == 0)
        semaphore.signal()
        #expect(semaphore.available == 1)
    }

    @Test("a permit given back before the deadline admits the bounded waiter")
    func admittedBeforeDeadline() async throws {
        let clock = AdjustableClock()
        let semaphore = AsyncCountingSemaphore(value: 1)
        try await semaphore.wait()
        let waiter = Task {
            await semaphore.wait(until: clock.now + .seconds(30), on: ProviderClock(clock))
        }
        try await eventually { semaphore.waiting == 1 }
        semaphore.signal()
        #expect(await waiter.value == .admitted)
        #expect(semaphore.available == 0)
        semaphore.signal()
        #expect(semaphore.available == 1)
    }

    @Test("cancelling a bounded wait ends it as cancelled and leaks no permit")
    func boundedWaitCancelled() async throws {
        let clock = AdjustableClock()
        let semaphore = AsyncCountingSemaphore(value: 1)
        try await semaphore.wait()
        let waiter = Task {
            await semaphore.wait(until: clock.now + .seconds(30), on: ProviderClock(clock))
        }
        try await eventually { semaphore.waiting == 1 }
        waiter.cancel()
        #expect(await waiter.value == .cancelled)
        #expect(semaphore.waiting == 0)
        semaphore.signal()
        #expect(semaphore.available == 1)
    }

    @Test("many racing bounded waits and give-backs end with every permit back")
    func raceLeavesNoLeak() async throws {
        let clock = AdjustableClock()
        let semaphore = AsyncCountingSemaphore(value: 3)
        let admitted = Record()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    // Deadlines spread around "now" so some pass while others are admitted.
                    let deadline = clock.now + .microseconds((index % 7) * 300)
                    if await semaphore.wait(until: deadline, on: ProviderClock(clock)) == .admitted {
                        admitted.append(index)
                        await Task.yield()
                        semaphore.signal()
                    }
                }
            }
        }
        #expect(!admitted.all.isEmpty)
        #expect(semaphore.available == 3)
        #expect(semaphore.waiting == 0)
    }
}
