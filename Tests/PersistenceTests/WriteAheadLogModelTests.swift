import Foundation
import MongoDriver
import TestSupport
import Testing

@testable import Persistence

/// A model-based property test of the write-ahead log, as Vector tests its disk buffer: random
/// sequences of append / ship / acknowledge / crash (with a torn write at any byte) / restart run
/// against the real log in a temporary directory and against a plain in-memory model, and after
/// every step the log must agree with the model:
/// - nothing acknowledged to a caller is lost (across any number of crashes);
/// - within one run, a record acknowledged by MongoDB is never offered again;
/// - after a restart only records not yet acknowledged, or in a segment not yet deleted, come
///   back (MongoDB dedupes those by `_id`), and nothing that was never appended appears.
@Suite("Write-ahead log against a model", .serialized)
struct WriteAheadLogModelTests {
    /// The model: what a caller was told is in the log, what "MongoDB" holds, what was offered.
    struct Model {
        var acknowledgedToCaller: [Int] = []
        var inMongo: Set<Int> = []
        /// Records MongoDB acknowledged in this run (must not be offered again before a restart).
        var shippedThisRun: Set<Int> = []
    }

    static func index(ofPayload payload: [UInt8]) throws -> Int {
        let fields = try BSONFields(bytes: payload)
        let id = try #require(fields["_id"]?.string)
        return try #require(Int(id, radix: 16))
    }

    @Test("random appends, shipments, crashes and restarts never lose or invent a record", arguments: 1...12)
    func randomHistories(seed: Int) async throws {
        var random = SeededGenerator(state: UInt64(seed) &* 0x1234_5678_9ABC_DEF1)
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let frameSize = try SpoolFrame.encode(SpoolTestSupport.payload(SpoolTestSupport.interaction(0))).count
        let segmentBytes = frameSize * Int.random(in: 2...6, using: &random)
        var model = Model()
        var next = 0
        var spool: InteractionSpool? = try await SpoolTestSupport.open(directory, segmentBytes: segmentBytes)

        for step in 0..<120 {
            let current = try #require(spool)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:  // append a few, concurrently (one group commit or several)
                let count = Int.random(in: 1...5, using: &random)
                let indices = Array(next..<(next + count))
                next += count
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in indices {
                        group.addTask { try await current.append(SpoolTestSupport.interaction(index)) }
                    }
                    try await group.waitForAll()
                }
                model.acknowledgedToCaller += indices
            case 4..<8:  // ship: take a batch, "insert" a random prefix, acknowledge it
                guard let batch = try await current.nextShipment(maxRecords: Int.random(in: 1...8, using: &random))
                else {
                    break
                }
                let offered = try batch.records.map { try Self.index(ofPayload: $0.payload) }
                for index in offered {
                    #expect(!model.shippedThisRun.contains(index), "seed \(seed) step \(step): \(index) offered again")
                    #expect(index < next, "seed \(seed) step \(step): \(index) was never appended")
                }
                let taken = Int.random(in: 0...offered.count, using: &random)
                for index in offered.prefix(taken) {
                    model.inMongo.insert(index)
                    model.shippedThisRun.insert(index)
                }
                current.acknowledge(batch, through: taken)
            default:  // crash, maybe mid-write (a torn frame at the end of the last segment), and restart
                current.closeFiles()
                spool = nil
                if let last = try SpoolTestSupport.segmentFiles(directory).last, Bool.random(using: &random) {
                    let frame = SpoolFrame.encode(try SpoolTestSupport.payload(SpoolTestSupport.interaction(next)))
                    let torn = Array(frame.prefix(Int.random(in: 1..<frame.count, using: &random)))
                    let handle = try #require(FileHandle(forWritingAtPath: directory + "/" + last))
                    handle.seekToEndOfFile()
                    handle.write(Data(torn))
                    try handle.close()
                }
                spool = try await SpoolTestSupport.open(directory, segmentBytes: segmentBytes)
                model.shippedThisRun = []
            }
        }
        // Drain what is left after one last crash: every acknowledged record reaches "MongoDB".
        spool?.closeFiles()
        spool = nil
        let final = try await SpoolTestSupport.open(directory, segmentBytes: segmentBytes)
        while let batch = try await final.nextShipment(maxRecords: 50) {
            for record in batch.records {
                let index = try Self.index(ofPayload: record.payload)
                #expect(index < next, "seed \(seed): \(index) was never appended")
                model.inMongo.insert(index)
            }
            final.acknowledge(batch, through: batch.records.count)
        }
        #expect(final.shippingLag.records == 0)
        let lost = Set(model.acknowledgedToCaller).subtracting(model.inMongo)
        #expect(lost.isEmpty, "seed \(seed): acknowledged but lost: \(lost.sorted())")
        #expect(model.inMongo.isSubset(of: Set(0..<next)), "seed \(seed): invented records")
    }
}
