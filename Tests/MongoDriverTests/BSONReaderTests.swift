import Testing

@testable import MongoDriver

@Suite("Reading BSON into Swift values")
struct BSONReaderTests {
    @Test("every appended type reads back with its BSON type")
    func typedRoundTrip() throws {
        let document = BSONDocument.everyType(int32: -7, int64: 1 << 40)

        let fields = try document.decoded()
        #expect(fields.keys == ["s", "i32", "i64", "b", "d", "date", "n", "child", "list"])
        #expect(fields["s"] == .string("héllo"))
        #expect(fields["i32"] == .int32(-7))
        #expect(fields["i64"] == .int64(1 << 40))
        #expect(fields["b"] == .bool(true))
        #expect(fields["d"] == .double(1.5))
        #expect(fields["date"]?.dateMilliseconds == 1_781_000_000_123)
        #expect(fields["n"] == .null)
        #expect(fields["child"]?.document?["x"]?.integer == 1)
        #expect(fields["list"]?.array == [.string("a"), .string("b")])
        #expect(fields["missing"] == nil)
    }

    @Test("extended JSON from the server (objectId, nested arrays) reads back")
    func parsedJSON() throws {
        let document = try BSONDocument(
            json:
                #"{"_id": {"$oid": "6650a1f2c3d4e5f6a7b8c9d0"}, "writeErrors": [{"index": 1, "code": 11000, "errmsg": "dup"}]}"#
        )
        let fields = try document.decoded()
        guard case .objectID(let bytes) = fields["_id"] else {
            Issue.record("not an objectId: \(String(describing: fields["_id"]))")
            return
        }
        #expect(bytes.count == 12 && bytes[0] == 0x66)
        let first = try #require(fields["writeErrors"]?.array?.first?.document)
        #expect(first["index"]?.integer == 1 && first["code"]?.integer == 11000 && first["errmsg"]?.string == "dup")
    }

    @Test("a document cut at any byte throws instead of reading past its end")
    func truncatedAtEveryOffset() throws {
        let document = try BSONDocument(json: #"{"a": "text", "b": {"c": [1, 2.5, {"d": true}]}, "e": {"$date": 5}}"#)
        let bytes = document.bytes
        #expect(try BSONFields(bytes: bytes).keys == ["a", "b", "e"])
        for length in 0..<bytes.count {
            #expect(throws: MongoError.self) { try BSONFields(bytes: bytes.prefix(length)) }
        }
    }

    @Test("lengths that point outside the document and unknown types are malformed, not crashes")
    func hostileLengths() {
        // {"a": <string of claimed length 0x7fffffff>}
        let hugeString: [UInt8] = [14, 0, 0, 0, 0x02, 0x61, 0, 0xff, 0xff, 0xff, 0x7f, 0x62, 0, 0]
        #expect(throws: MongoError.self) { try BSONFields(bytes: hugeString) }
        // {"a": binary of length -1}
        let negativeBinary: [UInt8] = [14, 0, 0, 0, 0x05, 0x61, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0]
        #expect(throws: MongoError.self) { try BSONFields(bytes: negativeBinary) }
        // element type 0x42 does not exist
        let unknownType: [UInt8] = [8, 0, 0, 0, 0x42, 0x61, 0, 0]
        #expect(throws: MongoError.self) { try BSONFields(bytes: unknownType) }
        // a document nested deeper than the limit
        var nested: [UInt8] = [5, 0, 0, 0, 0]
        for _ in 0...BSONReader.maxDepth {
            let length = UInt32(nested.count + 8)
            nested =
                [UInt8(length & 0xff), UInt8(length >> 8 & 0xff), UInt8(length >> 16), 0, 0x03, 0x61, 0] + nested + [0]
        }
        #expect(throws: MongoError.self) { try BSONFields(bytes: nested) }
    }
}
