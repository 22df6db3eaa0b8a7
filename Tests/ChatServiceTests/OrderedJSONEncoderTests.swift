import Foundation
import NIOCore
import Testing

@testable import ChatService

@Suite("Encoding JSON with keys in declaration order")
struct OrderedJSONEncoderTests {
    private struct Sample: Encodable {
        var zebra = 1
        var apple = "a"
        var middle: [Double] = [1, 0.5, 1e-7]
        var nested = Nested()
        var absent: String?
        var flags = [true, false]

        struct Nested: Encodable {
            var second: Int8 = -3
            var first: UInt64 = .max
        }
    }

    private func json(_ value: some Encodable) throws -> String {
        var buffer = ByteBuffer()
        try OrderedJSONEncoder().encode(value, into: &buffer)
        return String(buffer: buffer)
    }

    @Test("keys come out in declaration order, nil properties are left out, numbers as JSONEncoder writes them")
    func declarationOrder() throws {
        #expect(
            try json(Sample())
                == #"{"zebra":1,"apple":"a","middle":[1,0.5,1e-07],"nested":{"second":-3,"first":18446744073709551615},"flags":[true,false]}"#
        )
    }

    @Test("strings are escaped so any text round-trips through a JSON parser")
    func escaping() throws {
        let text = "quote \" backslash \\ slash / newline \n tab \t bell \u{07} nul \u{00} é 😀"
        let encoded = try json(["text": text])
        #expect(encoded.contains(#"\u0007"#))
        #expect(encoded.contains(#"\u0000"#))
        let parsed = try JSONSerialization.jsonObject(with: Data(encoded.utf8)) as? [String: String]
        #expect(parsed?["text"] == text)
    }

    @Test("a key encoded twice keeps its first place and its last value")
    func overwrittenKey() throws {
        struct Twice: Encodable {
            enum CodingKeys: String, CodingKey { case a, b }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(1, forKey: .a)
                try container.encodeNil(forKey: .b)
                try container.encode(2, forKey: .a)
            }
        }
        #expect(try json(Twice()) == #"{"a":2,"b":null}"#)
    }

    @Test("NaN and infinity are refused, as JSON has no numbers for them")
    func nonFiniteNumbers() {
        #expect(throws: EncodingError.self) { try json([Double.nan]) }
        #expect(throws: EncodingError.self) { try json(["x": Float.infinity]) }
    }

    @Test("empty objects and arrays are written as {} and []")
    func emptyContainers() throws {
        struct Empty: Encodable {}
        #expect(try json(Empty()) == "{}")
        #expect(try json([Int]()) == "[]")
        #expect(try json([String: Int]()) == "{}")
    }
}
