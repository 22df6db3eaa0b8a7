import Foundation
import MongoDriver
import TestSupport
import Testing

@testable import Persistence

@Suite("Spool framing and start-up recovery")
struct SpoolFramingTests {
    @Test("CRC-32C matches the standard check value")
    func crcCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
        // Every length around the 8-byte stride agrees with the byte-at-a-time definition.
        let bytes = (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for count in 0...bytes.count {
            #expect(CRC32C.checksum(Array(bytes.prefix(count))) == Self.bitwiseCRC32C(bytes.prefix(count)))
        }
    }

    @Test("a framed record reads back byte for byte, and a spooled interaction survives reopening")
    func roundTrip() async throws {
        let payloads = try (0..<3).map { try SpoolTestSupport.payload(SpoolTestSupport.interaction($0)) }
        var file: [UInt8] = []
        for payload in payloads { file += SpoolFrame.encode(payload) }
        let scan = file.withUnsafeBytes { SpoolFrame.scan($0) }
        #expect(scan.damaged.isEmpty && scan.tornTailOffset == nil)
        #expect(scan.records.map { Array(file[($0.lowerBound + SpoolFrame.headerSize)..<$0.upperBound]) } == payloads)

        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let spool = try await SpoolTestSupport.open(directory)
            for index in 0..<3 { try await spool.append(SpoolTestSupport.interaction(index)) }
            #expect(spool.statistics.records == 3)
        }
        let reopened = try await SpoolTestSupport.open(directory)
        #expect(reopened.recovery.records == 3)
        #expect(reopened.recovery.tornTails.isEmpty && reopened.recovery.quarantined.isEmpty)
        #expect(try await SpoolTestSupport.readAll(reopened) == payloads)
        let document = try BSONDocument(bytes: payloads[1])
        #expect(document.canonicalExtendedJSON.contains("prompt number 1"))
        #expect(reopened.statistics.oldestAgeSeconds > 0)
    }

    @Test("a torn tail at every byte offset of the last record is cut off and the rest replays")
    func tornTailAtEveryOffset() async throws {
        let payloads = try (0..<3).map { try SpoolTestSupport.payload(SpoolTestSupport.interaction($0)) }
        let intact = SpoolFrame.encode(payloads[0]) + SpoolFrame.encode(payloads[1])
        let last = SpoolFrame.encode(payloads[2])
        let root = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for cut in 1..<last.count {
            let directory = root + "/\(cut)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let segment = directory + "/" + SpoolSegment.fileName(1)
            try Data(intact + last.prefix(cut)).write(to: URL(fileURLWithPath: segment))

            let spool = try await SpoolTestSupport.open(directory)
            #expect(spool.recovery.tornTails == [.init(segment: 1, offset: intact.count, bytesCut: cut)], "cut \(cut)")
            #expect(spool.recovery.quarantined.isEmpty, "cut \(cut)")
            #expect(spool.statistics.records == 2, "cut \(cut)")
            #expect(try FileManager.default.attributesOfItem(atPath: segment)[.size] as? Int == intact.count)
            #expect(try await SpoolTestSupport.readAll(spool) == Array(payloads.prefix(2)), "cut \(cut)")
        }
    }

    @Test(
        "a flipped byte in a middle record moves that record to quarantine; the others replay",
        arguments: [0, 3, 5, 12, 100])  // length field, checksum, BSON length, inside the document
    func corruptMiddleRecordIsQuarantined(flippedOffset: Int) async throws {
        let payloads = try (0..<3).map { try SpoolTestSupport.payload(SpoolTestSupport.interaction($0)) }
        let frames = payloads.map(SpoolFrame.encode)
        var middle = frames[1]
        middle[flippedOffset] ^= 0x40
        let directory = SpoolTestSupport.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let segment = directory + "/" + SpoolSegment.fileName(7)
        try Data(frames[0] + middle + frames[2]).write(to: URL(fileURLWithPath: segment))

        let spool = try await SpoolTestSupport.open(directory)
        #expect(spool.recovery.tornTails.isEmpty)
        let quarantined = try #require(spool.recovery.quarantined.first)
        #expect(spool.recovery.quarantined.count == 1)
        #expect(quarantined.segment == 7 && quarantined.offset == frames[0].count && quarantined.length == middle.count)
        #expect(try Data(contentsOf: URL(fileURLWithPath: quarantined.file)) == Data(middle))
        #expect(spool.statistics.records == 2 && spool.statistics.quarantined == 1)
        #expect(try await SpoolTestSupport.readAll(spool) == [payloads[0], payloads[2]])
        #expect(try Data(contentsOf: URL(fileURLWithPath: segment)) == Data(frames[0] + frames[2]))
    }

    /// The textbook bit-at-a-time CRC-32C, to check the table-driven one against.
    static func bitwiseCRC32C(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }
}
