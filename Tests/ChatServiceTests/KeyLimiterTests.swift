import Foundation
import HTTPTypes
import Logging
import MongoDriver
import Persistence
import Synchronization
import TestSupport
import Testing

@testable import ChatService

/// The limiter against a real SecantusDB with an injected wall clock: windows, budgets, the
/// reservation of tokens and exactness when several replicas share one `limits` collection.
@Suite("Key limits: windows, budgets and replicas")
struct KeyLimiterTests {
    /// A wall clock a test moves by hand.
    final class TestWallClock: Sendable {
        private let instant: Mutex<Date>
        init(_ start: Date) { instant = Mutex(start) }
        var now: Date { instant.withLock { $0 } }
        func advance(seconds: Double) { instant.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static let created = Date(timeIntervalSince1970: 1_780_000_000)
    static let logger = Logger(label: "key-limiter-tests")

    static func limiters(_ count: Int, clock: TestWallClock) async throws -> [KeyLimiter] {
        let database = try MongoDatabase.forTesting(
            uri: try await MongoTestServer.sharedURI(), name: MongoTestServer.uniqueDatabaseName(prefix: "limits"))
        return (0..<count).map { _ in
            KeyLimiter(
                counters: LimitCounterStore(database: database), windowLength: .seconds(60), metrics: ServiceMetrics(),
                now: { clock.now })
        }
    }

    static func key(_ limits: KeyLimits, id: String = "key-1") -> APIKeyRecord {
        APIKeyRecord(
            id: id, name: "client", email: nil, keyHash: String(repeating: "a", count: 64), keyPrefix: "csk_aaaaaa",
            createdAt: created, limits: limits)
    }

    /// Admits once; the 429 as an `APIError`, or nil when admitted.
    static func refusal(_ limiter: KeyLimiter, _ key: APIKeyRecord) async -> APIError? {
        do {
            _ = try await limiter.admit(key, reservingTokens: true, logger: logger)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        "requestsPerMinute admits the limit in one window, refuses the next with Retry-After to the window's end, and a new window admits again"
    )
    func requestsPerWindow() async throws {
        let clock = TestWallClock(Self.created.addingTimeInterval(10))
        let limiter = try await Self.limiters(1, clock: clock)[0]
        let key = Self.key(KeyLimits(requestsPerMinute: 3))
        for _ in 0..<3 { #expect(await Self.refusal(limiter, key) == nil) }
        let refused = try #require(await Self.refusal(limiter, key))
        #expect(refused.status == .tooManyRequests && refused.code == "rate_limit_exceeded")
        #expect(refused.message.contains("requestsPerMinute"))
        #expect(refused.retryAfter == .seconds(50), "the window started at the key's creation: 50 s are left")
        clock.advance(seconds: 50)
        #expect(await Self.refusal(limiter, key) == nil, "the next window starts empty")
    }

    @Test("three replicas admitting 60 concurrent calls of a key limited to 25 per window admit exactly 25")
    func exactAcrossReplicas() async throws {
        let clock = TestWallClock(Self.created.addingTimeInterval(1))
        let replicas = try await Self.limiters(3, clock: clock)
        let key = Self.key(KeyLimits(requestsPerMinute: 25))
        let admitted = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<60 {
                group.addTask { await Self.refusal(replicas[index % 3], key) == nil }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(admitted == 25)
    }

    @Test(
        "tokensPerMinute reserves the key's usual call at admission and settles the real total, so the window never passes the limit"
    )
    func tokensPerWindow() async throws {
        let clock = TestWallClock(Self.created.addingTimeInterval(1))
        let limiter = try await Self.limiters(1, clock: clock)[0]
        let key = Self.key(KeyLimits(tokensPerMinute: 100))
        var admitted = 0
        for _ in 0..<20 {
            do {
                let admission = try await limiter.admit(key, reservingTokens: true, logger: Self.logger)
                admitted += 1
                await admission?.settle(tokens: 30, cost: 0, logger: Self.logger)?.value
            } catch {
                #expect(error.status == .tooManyRequests && error.message.contains("tokensPerMinute"))
            }
        }
        #expect(admitted == 3, "30 tokens a call: three calls fit in 100, a fourth would reach 120")
        let use = try #require(try await limiter.currentUse(of: key))
        #expect(use.1 == MinuteWindowUse(requests: 3, tokens: 90))
    }

    @Test("budgetPerDay stops a key once the day's cost reaches it, until the next UTC day or a raised budget")
    func budgetPerDay() async throws {
        let clock = TestWallClock(Date(timeIntervalSince1970: 1_780_000_000))  // 2026-05-28T20:26:40Z
        let limiter = try await Self.limiters(1, clock: clock)[0]
        var key = Self.key(KeyLimits(budgetPerDay: 0.01))
        for _ in 0..<2 {
            let admission = try await limiter.admit(key, reservingTokens: true, logger: Self.logger)
            await admission?.settle(tokens: 10, cost: 0.006, logger: Self.logger)?.value
        }
        let refused = try #require(await Self.refusal(limiter, key))
        #expect(refused.status == .tooManyRequests && refused.message.contains("budgetPerDay"))
        let untilMidnight = Double(86_400 - (1_780_000_000 % 86_400))
        #expect(refused.retryAfter == .milliseconds(Int64(untilMidnight * 1000)))
        key.limits.budgetPerDay = 0.05
        #expect(await Self.refusal(limiter, key) == nil, "a raised budget admits at once")
        key.limits.budgetPerDay = 0.01
        clock.advance(seconds: untilMidnight)
        #expect(await Self.refusal(limiter, key) == nil, "a new UTC day starts from zero")
    }

    @Test("budgetPerMonth counts every day of the UTC month")
    func budgetPerMonth() async throws {
        let clock = TestWallClock(Date(timeIntervalSince1970: 1_780_000_000))
        let limiter = try await Self.limiters(1, clock: clock)[0]
        let key = Self.key(KeyLimits(budgetPerMonth: 1))
        let admission = try await limiter.admit(key, reservingTokens: true, logger: Self.logger)
        await admission?.settle(tokens: 10, cost: 1.5, logger: Self.logger)?.value
        clock.advance(seconds: 86_400)  // 2026-05-29: still May
        let refused = try #require(await Self.refusal(limiter, key))
        #expect(refused.message.contains("budgetPerMonth"))
    }

    @Test("a key without limits never reaches MongoDB")
    func unlimitedKeyIsFree() async throws {
        let clock = TestWallClock(Self.created)
        let database = try MongoDatabase.forTesting(
            uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100", name: "unused")
        let limiter = KeyLimiter(
            counters: LimitCounterStore(database: database), windowLength: .seconds(60), metrics: ServiceMetrics(),
            now: { clock.now })
        let admission = try await limiter.admit(Self.key(KeyLimits()), reservingTokens: true, logger: Self.logger)
        #expect(admission == nil)
    }

    @Test("a limited key is refused with 503, not let through, when MongoDB cannot be asked")
    func unreachableDatabaseRefuses() async throws {
        let clock = TestWallClock(Self.created)
        let database = try MongoDatabase.forTesting(
            uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100", name: "unused")
        let limiter = KeyLimiter(
            counters: LimitCounterStore(database: database), windowLength: .seconds(60), metrics: ServiceMetrics(),
            now: { clock.now })
        let refused = try #require(await Self.refusal(limiter, Self.key(KeyLimits(requestsPerMinute: 5))))
        #expect(refused.status == .serviceUnavailable && refused.retryAfter != nil)
    }

    @Test("windows are anchored at the key's creation and cut at whole multiples of their length")
    func windowArithmetic() {
        let anchor = Date(timeIntervalSince1970: 1000.5)
        let window = LimitWindow(anchor: anchor, length: .seconds(60), at: Date(timeIntervalSince1970: 1130))
        #expect(window.index == 2)
        #expect(window.start == Date(timeIntervalSince1970: 1120.5))
        #expect(window.end == Date(timeIntervalSince1970: 1180.5))
        #expect(BudgetPeriod(.month, containing: Date(timeIntervalSince1970: 1_780_000_000)).name == "month:2026-05")
        #expect(BudgetPeriod(.day, containing: Date(timeIntervalSince1970: 1_780_000_000)).name == "day:2026-05-28")
    }
}
