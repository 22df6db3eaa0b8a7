import Testing

@testable import MongoDriver

@Suite("Scanning raw BSON for one date")
struct BSONScannerTests {
    @Test("a negative length inside a record ends the scan instead of reading before the bytes")
    func negativeLengthIsMalformed() {
        // Found by scripts/fuzz.sh (BSONReader target): a string whose int32 length is -1024
        // moved the scan's offset backwards and out of the array.
        var bytes: [UInt8] = [0x69, 0, 0, 0, 0x02, 0x5F, 0x00, 0x00, 0xFC, 0xFF, 0xFF, 0x60, 0x62, 0x63, 0x00]
        bytes += [0x09] + Array("timestamp".utf8) + [0x00, 0x00, 0xA8, 0xDA, 0x76, 0x9B, 0x01, 0x00, 0x00, 0x00]
        #expect(BSONScanner.dateMilliseconds("timestamp", in: bytes) == nil)
        for length: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF], [0x00, 0x00, 0x00, 0x80]] {
            for type: UInt8 in [0x02, 0x03, 0x04, 0x05] {
                let document: [UInt8] =
                    [0x20, 0, 0, 0, type, 0x61, 0x00] + length + [0x09, 0x74, 0x00] + [UInt8](repeating: 1, count: 8)
                    + [0]
                #expect(BSONScanner.dateMilliseconds("t", in: document) == nil)
            }
        }
    }

    @Test("a date after fields of every size is found")
    func dateAfterOtherFields() {
        let document = BSONDocument.everyType(int32: -7, int64: 1 << 40)
        #expect(BSONScanner.dateMilliseconds("date", in: document.bytes) == 1_781_000_000_123)
        #expect(BSONScanner.dateMilliseconds("s", in: document.bytes) == nil)
    }
}
