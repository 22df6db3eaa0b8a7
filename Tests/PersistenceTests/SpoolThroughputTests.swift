import Foundation
import Testing

@testable import Persistence

/// Throughput figures for docs/benchmarks.md; only runs with `SPOOL_BENCH=1` (it is a measurement,
/// not a check): `SPOOL_BENCH=1 swift test -c release --filter SpoolThroughputTests`.
@Suite("Spool throughput (measurement, SPOOL_BENCH=1)")
struct SpoolThroughputTests {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    @Test(
        "measure spool appends with fsync (1 and 64 writers) and replay into SecantusDB",
        .enabled(if: ProcessInfo.processInfo.environment["SPOOL_BENCH"] != nil))
    func measure() async throws {
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try await SpoolTestSupport.open(directory)
        let clock = ContinuousClock()

        let sequential = 500
        var start = clock.now
        for index in 0..<sequential { try await spool.append(SpoolTestSupport.interaction(index)) }
        let sequentialRate = Double(sequential) / Self.seconds(clock.now - start)

        let writers = 64
        let perWriter = 300
        let syncsBefore = spool.statistics.appendSyncs
        start = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for index in 0..<perWriter {
                        try await spool.append(SpoolTestSupport.interaction(sequential + writer * perWriter + index))
                    }
                }
            }
            try await group.waitForAll()
        }
        let concurrentSeconds = Self.seconds(clock.now - start)
        let concurrent = writers * perWriter
        let syncs = spool.statistics.appendSyncs - syncsBefore

        let store = try await MongoStoreFixture.makeStore()
        try await store.createIndexes()  // as in production: four secondary indexes to maintain
        start = clock.now
        var replayed = 0
        while let batch = try await spool.readBatch(maxRecords: 1000) {
            let outcome = await store.replay(batch.records.map(\.payload))
            try #require(outcome.acknowledged == batch.records.count, "\(String(describing: outcome.stoppedBy))")
            spool.acknowledge(batch, through: outcome.acknowledged)
            replayed += outcome.acknowledged
        }
        let replaySeconds = Self.seconds(clock.now - start)
        #expect(replayed == sequential + concurrent)
        print(
            """
            SPOOL_BENCH record bytes=\(try SpoolTestSupport.payload(SpoolTestSupport.interaction(0)).count + SpoolFrame.headerSize)
            SPOOL_BENCH append 1 writer: \(Int(sequentialRate)) records/s (one fsync each)
            SPOOL_BENCH append \(writers) writers: \(Int(Double(concurrent) / concurrentSeconds)) records/s, \(syncs) fsyncs for \(concurrent) records
            SPOOL_BENCH replay: \(Int(Double(replayed) / replaySeconds)) records/s (\(replayed) records, batches of 1000, ordered, j:true, SPEC §4 indexes)
            """)
    }
}
