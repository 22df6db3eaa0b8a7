import Foundation
import Testing

@testable import Persistence

@Suite("Spool appends: group commit, rotation, bounds")
struct SpoolAppendTests {
    @Test("concurrent appends share fsyncs: 200 appends need far fewer than 200 fsyncs")
    func groupCommit() async throws {
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try await SpoolTestSupport.open(directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { try await spool.append(SpoolTestSupport.interaction(index)) }
            }
            try await group.waitForAll()
        }
        let statistics = spool.statistics
        #expect(statistics.appended == 200 && statistics.records == 200)
        #expect(statistics.appendSyncs < 200 / 4, "\(statistics.appendSyncs) fsyncs for 200 appends")
        #expect(statistics.appendSyncs >= 1)
        // Every record is on disk: a fresh reader finds all 200.
        #expect(try await SpoolTestSupport.readAll(spool).count == 200)
    }

    @Test("segments rotate at their size, and each is deleted once all its records are acknowledged")
    func rotationAndDeletion() async throws {
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let frameSize = try SpoolFrame.encode(SpoolTestSupport.payload(SpoolTestSupport.interaction(0))).count
        let spool = try await SpoolTestSupport.open(directory, segmentBytes: frameSize * 2)
        for index in 0..<9 {
            try await spool.append(SpoolTestSupport.interaction(index))
        }
        #expect(try SpoolTestSupport.segmentFiles(directory).count == 5)  // 2+2+2+2+1
        #expect(spool.statistics.bytes == 9 * frameSize)

        // Replay segment by segment; a segment file goes away only once all of it is acknowledged.
        var replayed: [[UInt8]] = []
        let first = try #require(try await spool.readBatch(maxRecords: 1))
        spool.acknowledge(first, through: 1)
        replayed += first.records.map(\.payload)
        _ = try await spool.readBatch(maxRecords: 0)  // deletes nothing: the first segment is half drained
        #expect(try SpoolTestSupport.segmentFiles(directory).count == 5)
        while let batch = try await spool.readBatch(maxRecords: 10) {
            spool.acknowledge(batch, through: batch.records.count)
            replayed += batch.records.map(\.payload)
        }
        #expect(try replayed == (0..<9).map { try SpoolTestSupport.payload(SpoolTestSupport.interaction($0)) })
        // Sealed segments are gone; the active (last) one stays: appends continue in it.
        #expect(try SpoolTestSupport.segmentFiles(directory) == [SpoolSegment.fileName(5)])
        #expect(spool.statistics.records == 0 && spool.statistics.bytes == frameSize)
        // The next append fills the active segment; the one after rotates, and the shipped, sealed
        // segment is deleted by the next read.
        try await spool.append(SpoolTestSupport.interaction(9))
        try await spool.append(SpoolTestSupport.interaction(10))
        while let batch = try await spool.readBatch(maxRecords: 10) {
            spool.acknowledge(batch, through: batch.records.count)
        }
        #expect(try SpoolTestSupport.segmentFiles(directory) == [SpoolSegment.fileName(6)])
    }

    @Test("an append past SPOOL_MAX_BYTES is refused as spoolFull and admission says so; nothing accepted is lost")
    func full() async throws {
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let frameSize = try SpoolFrame.encode(SpoolTestSupport.payload(SpoolTestSupport.interaction(0))).count
        let spool = try await SpoolTestSupport.open(directory, maxBytes: frameSize * 3 + 10)
        for index in 0..<3 { try await spool.append(SpoolTestSupport.interaction(index)) }
        #expect(spool.admissionRefusal() == nil)
        await #expect(throws: PersistenceError.self) { try await spool.append(SpoolTestSupport.interaction(3)) }
        do {
            try await spool.append(SpoolTestSupport.interaction(4))
        } catch {
            #expect(error.code == .spoolFull && error.isSpoolRefusal)
        }
        #expect(spool.admissionRefusal()?.code == .spoolFull)
        #expect(spool.statistics.records == 3)
    }

    @Test("a spool that cannot create its segment file refuses appends as spoolUnwritable")
    func unwritable() async throws {
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try await SpoolTestSupport.open(directory)
        // A directory where the first segment file must go: open(2) fails (EISDIR), even for root.
        try FileManager.default.createDirectory(
            atPath: directory + "/" + SpoolSegment.fileName(1), withIntermediateDirectories: false)
        do {
            try await spool.append(SpoolTestSupport.interaction(0))
            Issue.record("append succeeded although the segment file cannot be created")
        } catch {
            #expect(error.code == .spoolUnwritable && error.isSpoolRefusal, "\(error)")
        }
        #expect(spool.admissionRefusal()?.code == .spoolUnwritable)
        #expect(spool.statistics.records == 0)
    }

    @Test("a second process (or spool) cannot open a spool directory that is in use")
    func lockedDirectory() async throws {
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let spool = try await SpoolTestSupport.open(directory)
        await #expect(throws: PersistenceError.self) { _ = try await SpoolTestSupport.open(directory) }
        withExtendedLifetime(spool) {}
    }
}
