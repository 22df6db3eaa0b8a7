import Foundation
import HTTPTypes
import Logging
import MongoDriver
import NIOConcurrencyHelpers
import Persistence
import Synchronization
import TestSupport
import Testing

@testable import ChatService

/// The leases behind per-minute limits, against a real SecantusDB with an injected wall clock:
/// replicas admit from slices of the window held in memory, give back what they do not use, and
/// together never pass the limit.
@Suite("Key limits: leased slices of a window")
struct KeyLimiterLeaseTests {
    typealias Clock = KeyLimiterTests.TestWallClock
    static let logger = Logger(label: "key-limiter-lease-tests")

    /// Calls admitted of `count` concurrent calls of `key` spread over `replicas`.
    static func admitted(_ count: Int, of key: APIKeyRecord, over replicas: [KeyLimiter]) async -> Int {
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<count {
                group.addTask { await KeyLimiterTests.refusal(replicas[index % replicas.count], key) == nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
    }

    /// Admits calls one by one until the first refusal; returns how many were admitted.
    static func admitUntilRefused(_ limiter: KeyLimiter, _ key: APIKeyRecord) async -> Int {
        var admitted = 0
        while await KeyLimiterTests.refusal(limiter, key) == nil { admitted += 1 }
        return admitted
    }

    /// Waits until no request for a slice is in flight on `limiter` (a refill runs in the background).
    static func settled(_ limiter: KeyLimiter) async throws {
        for _ in 0..<500 {
            if limiter.leases.withLock({ $0.values.allSatisfy { $0.pending == nil } }) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("a request for a slice was still in flight after 5 s")
    }

    @Test("three replicas admitting 300 concurrent calls of a key limited to 100 per window admit exactly 100")
    func exactUnderLoad() async throws {
        let clock = Clock(KeyLimiterTests.created.addingTimeInterval(1))
        let replicas = try await KeyLimiterTests.limiters(3, clock: clock)
        let key = KeyLimiterTests.key(KeyLimits(requestsPerMinute: 100))
        #expect(await Self.admitted(300, of: key, over: replicas) == 100)
        let use = try await replicas[0].counters.use(keyId: key.id, window: 0)
        #expect(use.requests == 100, "every slice granted was used: the window counts exactly the admitted calls")
    }

    @Test(
        "nine clients over three replicas with a tokensPerMinute of 100 calls admit 100 of 240, tokens known after each call"
    )
    func exactTokensUnderLoad() async throws {
        let clock = Clock(KeyLimiterTests.created.addingTimeInterval(1))
        let replicas = try await KeyLimiterTests.limiters(3, clock: clock)
        let key = KeyLimiterTests.key(KeyLimits(tokensPerMinute: 900))
        let remaining = NIOLockedValueBox(240)
        let admitted = await withTaskGroup(of: Int.self) { group in
            for client in 0..<9 {
                group.addTask {
                    var admitted = 0
                    while remaining.withLockedValue({ left in
                        defer { left -= 1 }
                        return left > 0
                    }) {
                        guard
                            let admission = try? await replicas[client % 3].admit(
                                key, reservingTokens: true, logger: Self.logger)
                        else { continue }
                        admitted += 1
                        try? await Task.sleep(for: .milliseconds(2))
                        await admission.settle(tokens: 9, cost: 0, logger: Self.logger)?.value
                    }
                    return admitted
                }
            }
            return await group.reduce(0, +)
        }
        #expect(admitted == 100)
    }

    @Test("a slice one replica does not use goes back after its lifetime, and another replica admits it")
    func unusedSliceGoesBack() async throws {
        let clock = Clock(KeyLimiterTests.created.addingTimeInterval(1))
        let replicas = try await KeyLimiterTests.limiters(2, clock: clock)
        // Slices beyond the calls waiting are guessed only far from the limit: a large one here.
        let key = KeyLimiterTests.key(KeyLimits(requestsPerMinute: 6400))
        for _ in 0..<8 { #expect(await KeyLimiterTests.refusal(replicas[0], key) == nil) }
        try await Self.settled(replicas[0])
        let held = try await replicas[0].counters.use(keyId: key.id, window: 0).requests - 8
        #expect(held > 0, "after 8 quick calls the first replica holds a slice it has not used")
        #expect(await Self.admitUntilRefused(replicas[1], key) == 6400 - 8 - held)

        clock.advance(seconds: 1)
        await replicas[0].returnIdleSlices(logger: Self.logger)
        #expect(await Self.admitUntilRefused(replicas[1], key) == held, "the slice came back and was admitted")
        #expect(try await replicas[0].counters.use(keyId: key.id, window: 0).requests == 6400)
    }

    @Test("a replica stopping gives back its whole slice at once, and the window shows only admitted calls")
    func shutdownGivesBack() async throws {
        let clock = Clock(KeyLimiterTests.created.addingTimeInterval(1))
        let limiter = try await KeyLimiterTests.limiters(1, clock: clock)[0]
        let key = KeyLimiterTests.key(KeyLimits(requestsPerMinute: 1000))
        for _ in 0..<20 { #expect(await KeyLimiterTests.refusal(limiter, key) == nil) }
        try await Self.settled(limiter)
        #expect(try await limiter.counters.use(keyId: key.id, window: 0).requests > 20)
        let shown = try #require(try await limiter.currentUse(of: key))
        #expect(shown.1.requests == 20, "GET /admin/keys leaves out this replica's unused slice")
        await limiter.returnIdleSlices(all: true, logger: Self.logger)
        #expect(try await limiter.counters.use(keyId: key.id, window: 0).requests == 20)
    }

    @Test("tokens a call used beyond its reservation are counted in the window with the next slice")
    func tokenDebtIsCounted() async throws {
        let clock = Clock(KeyLimiterTests.created.addingTimeInterval(1))
        let limiter = try await KeyLimiterTests.limiters(1, clock: clock)[0]
        let key = KeyLimiterTests.key(KeyLimits(tokensPerMinute: 10_000))
        let first = try await limiter.admit(key, reservingTokens: true, logger: Self.logger)
        #expect(first?.reservedTokens == 0, "nothing is known of the key's calls yet")
        _ = first?.settle(tokens: 100, cost: 0, logger: Self.logger)
        let second = try await limiter.admit(key, reservingTokens: true, logger: Self.logger)
        #expect(second?.reservedTokens == 100, "the next call reserves what the key's calls use")
        _ = second?.settle(tokens: 150, cost: 0, logger: Self.logger)
        try await Self.settled(limiter)
        #expect(try #require(try await limiter.currentUse(of: key)).1.tokens == 250)
        await limiter.returnIdleSlices(all: true, logger: Self.logger)
        #expect(try await limiter.counters.use(keyId: key.id, window: 0) == MinuteWindowUse(requests: 2, tokens: 250))
    }

    @Test("a budget: this replica's own spend counts at once, another replica's within the spend copy's lifetime")
    func budgetCopies() async throws {
        let clock = Clock(Date(timeIntervalSince1970: 1_780_000_000))
        let replicas = try await KeyLimiterTests.limiters(2, clock: clock)
        let key = KeyLimiterTests.key(KeyLimits(budgetPerDay: 0.01))
        #expect(await KeyLimiterTests.refusal(replicas[1], key) == nil)
        let admission = try await replicas[0].admit(key, reservingTokens: true, logger: Self.logger)
        await admission?.settle(tokens: 10, cost: 0.02, logger: Self.logger)?.value
        #expect(await KeyLimiterTests.refusal(replicas[0], key)?.status == .tooManyRequests)
        #expect(await KeyLimiterTests.refusal(replicas[1], key) == nil, "its copy is less than a second old")
        clock.advance(seconds: 1)
        #expect(await KeyLimiterTests.refusal(replicas[1], key)?.message.contains("budgetPerDay") == true)
    }

    @Test("near a full window a slice holds whole calls: 13 tokens left grant one call of 9, not 13 tokens")
    func wholeCallsOnly() async throws {
        let database = try MongoDatabase.forTesting(
            uri: try await MongoTestServer.sharedURI(), name: MongoTestServer.uniqueDatabaseName(prefix: "leases"))
        let store = LimitCounterStore(database: database)
        func ask(_ requests: Int, debt: Int = 0) async throws -> MinuteWindowLease {
            try await store.lease(
                LimitCounterStore.LeaseRequest(
                    keyId: "k", window: 0, windowStart: KeyLimiterTests.created, expiresAt: .distantFuture,
                    requestsLimit: nil, tokensLimit: 40, requests: requests, tokens: requests * 9, minimumTokens: 9,
                    returnedTokens: -debt))
        }
        #expect(try await ask(3) == .granted(requests: 3, tokens: 27, requestsLeft: nil, tokensLeft: 13))
        #expect(try await ask(2) == .granted(requests: 1, tokens: 9, requestsLeft: nil, tokensLeft: 4))
        #expect(try await ask(1, debt: 2) == .tokensExhausted, "4 tokens left: no call fits")
        #expect(try await store.use(keyId: "k", window: 0) == MinuteWindowUse(requests: 4, tokens: 38))
    }

    @Test(
        "a slice asks for every call waiting, and guesses beyond them only up to a quarter of the limit and a 64th of what is left"
    )
    func sliceSizes() {
        var lease = WindowLease(window: 0, windowEnd: .distantFuture, sliceSize: 1 << 10)
        let limits = KeyLimits(requestsPerMinute: 1000, tokensPerMinute: 50_000)
        #expect(
            lease.nextSlice(limits: limits, estimate: 40, minimumTokens: 40, demand: 0) == (1, 40),
            "nothing is known of the window yet: no guess")
        lease.requestsLeft = 1000
        lease.tokensLeft = 50_000
        #expect(lease.nextSlice(limits: limits, estimate: 40, minimumTokens: 40, demand: 0) == (15, 600))
        lease.requestsLeft = 80
        #expect(lease.nextSlice(limits: limits, estimate: 40, minimumTokens: 40, demand: 5) == (5, 200))
        #expect(lease.nextSlice(limits: limits, estimate: 0, minimumTokens: 0, demand: 0) == (1, 0), "a read")
        lease.sliceSize = 4
        lease.requests = 1
        #expect(lease.wantsRefill(limits: limits, minimumTokens: 40) == false, "80 left is not far from full")
        lease.requestsLeft = 900
        #expect(lease.wantsRefill(limits: limits, minimumTokens: 40))
    }
}
