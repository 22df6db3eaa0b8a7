import Foundation
import Testing

@testable import MongoDriver

@Suite("BSONDocument")
struct BSONDocumentTests {
    @Test("appended values keep their BSON types in canonical extended JSON")
    func typedAppends() {
        let document = BSONDocument.everyType(int32: 7, int64: 7)

        let json = document.canonicalExtendedJSON
        #expect(json.contains(#""s" : "héllo""#))
        #expect(json.contains(#""i32" : { "$numberInt" : "7" }"#))
        #expect(json.contains(#""i64" : { "$numberLong" : "7" }"#))
        #expect(json.contains(#""b" : true"#))
        #expect(json.contains(#""d" : { "$numberDouble" : "1.5" }"#))
        #expect(json.contains(#""date" : { "$date" : { "$numberLong" : "1781000000123" } }"#))
        #expect(json.contains(#""n" : null"#))
        #expect(json.contains(#""child" : { "x" : { "$numberInt" : "1" } }"#))
        #expect(json.contains(#""list" : [ "a", "b" ]"#))
        #expect(document.count == 9)
        #expect(!document.hasFailedAppend)
    }

    @Test("relaxed extended JSON prints plain numbers")
    func relaxedExport() {
        let document = BSONDocument()
        document.append("i32", int32: 7)
        document.append("i64", int64: 8)
        #expect(document.relaxedExtendedJSON == #"{ "i32" : 7, "i64" : 8 }"#)
    }

    @Test("strings with embedded NUL and non-ASCII characters survive intact")
    func embeddedNul() {
        let document = BSONDocument()
        document.append("s", string: "a\u{0}b ✓")
        #expect(document.canonicalExtendedJSON.contains(#""a\u0000b ✓""#))
    }

    @Test("Foundation dates become BSON dates truncated to the millisecond")
    func foundationDates() {
        let document = BSONDocument()
        document.append("t", date: Date(timeIntervalSince1970: 1_781_000_000.1239))
        document.append("before1970", date: Date(timeIntervalSince1970: -0.0005))
        let json = document.canonicalExtendedJSON
        #expect(json.contains(#""t" : { "$date" : { "$numberLong" : "1781000000123" } }"#))
        #expect(json.contains(#""before1970" : { "$date" : { "$numberLong" : "-1" } }"#))
    }

    @Test("a document parsed from extended JSON exports the same values")
    func parsesJSON() throws {
        let document = try BSONDocument(json: #"{"a": 1, "b": {"$numberLong": "2"}, "c": "x"}"#)
        #expect(document.count == 3)
        #expect(
            document.canonicalExtendedJSON
                == #"{ "a" : { "$numberInt" : "1" }, "b" : { "$numberLong" : "2" }, "c" : "x" }"#)
    }

    @Test("malformed JSON is rejected as an invalid document")
    func rejectsMalformedJSON() {
        #expect {
            _ = try BSONDocument(json: "{not json")
        } throws: { error in
            (error as? MongoError)?.code == .invalidDocument
        }
    }

    @Test("an out-parameter document starts empty and is released without leaking")
    func outParameterDocument() {
        for _ in 0..<1000 {
            let document = BSONDocument.outParameter()
            #expect(document.count == 0)
        }
    }
}
