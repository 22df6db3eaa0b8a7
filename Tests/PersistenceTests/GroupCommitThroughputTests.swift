import Foundation
import MongoDriver
import Persistence
import Testing
import TestSupport

@Suite("Group commit throughput", .serialized)
struct GroupCommitThroughputTests {
    @Test("200 concurrent writers store 4000 interactions and report the rate", arguments: [1, 2, 4])
    func throughput(maxConcurrentFlushes: Int) async throws {
        let store = try await MongoStoreFixture.makeStore(maxConcurrentFlushes: maxConcurrentFlushes)
        let total = 4000
        let writers = 200
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    for _ in 0..<(total / writers) {
                        try await store.record(MongoStoreFixture.minimalInteraction())
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let statistics = store.statistics
        print("group commit (\(maxConcurrentFlushes) in flight): \(total) docs, \(writers) writers, \(String(format: "%.2f", seconds)) s, "
              + "\(Int(Double(total) / seconds)) docs/s, \(statistics.flushes) flushes, "
              + "largest batch \(statistics.largestBatch)")
        #expect(try await store.database.countDocuments() == total)
        #expect(statistics.flushes < total / 4)
    }
}
