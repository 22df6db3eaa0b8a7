import Foundation
import NIOCore
import Testing

@testable import Providers

@Suite("Ollama's /api/chat answer read by hand")
struct OllamaResponseReadingTests {
    typealias ResponseBody = OllamaProvider.ResponseBody

    /// Answers `JSONDecoder` read: each must come out the same.
    static let accepted: [String] = [
        // bench/upstream.py's answer and protocols.md §2.4's final line
        #"{"model":"llama3.2","created_at":"2026-12-01T00:00:00Z","message":{"role":"assistant","content":"Server-Sent Events."},"done_reason":"stop","done":true,"total_duration":1000000,"load_duration":100000,"prompt_eval_count":12,"prompt_eval_duration":100000,"eval_count":7,"eval_duration":500000}"#,
        #"{"model":"llama3.2","created_at":"2026-01-02T10:00:00.3Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":812000000,"load_duration":2100000,"prompt_eval_count":12,"prompt_eval_duration":40000000,"eval_count":3,"eval_duration":60000000}"#,
        // missing and null members
        #"{}"#,
        #"{"message":{"role":"assistant"}}"#,
        #"{"model":null,"message":null,"done":null,"done_reason":null,"prompt_eval_count":null,"eval_count":null,"error":null}"#,
        #"{"message":{"role":"assistant","content":null,"images":null,"tool_calls":null,"tool_name":null}}"#,
        #"{"error":"model 'x' not found"}"#,
        // counts written as floats, exponents, negatives, the largest Int
        #"{"prompt_eval_count":12.0,"eval_count":1.2e1}"#,
        #"{"prompt_eval_count":-0,"eval_count":1E2}"#,
        #"{"prompt_eval_count":9223372036854775807,"eval_count":-9223372036854775808}"#,
        #"{"eval_count":0.1e1,"prompt_eval_count":-1.5e1}"#,
        // unknown members of every shape, thinking, images
        #"{"thinking":"hmm","context":[1,2,3],"logprobs":[{"token":"a","logprob":-0.1,"top":[]}],"x":{"y":[true,false,null,1e400,-1e-400]},"message":{"role":"assistant","content":"a","thinking":"b","images":["AQID",""],"extra":{}}}"#,
        // escapes, unicode, surrogate pairs, control characters written as escapes
        #"{"model":"\u006c\u006C\/ama","message":{"role":"assistant","content":"\"q\" \\ \/ \b\f\n\r\t \u0000\u001f é 漢字 😀 \ud83d\ude00 \u2028"}}"#,
        // tool calls: nested arguments, numbers in every form, repeated keys, no id, a null argument set
        #"{"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"get_weather","arguments":{"city":"Paris","unit":"c"}}},{"id":"call_x","function":{"name":"f","arguments":{"n":[1,1.0,1.5,1e2,1e17,-0.0,99999999999999999999,9223372036854775807,{"deep":{"er":[null,"\u00e9"]}}],"s":"x","b":true,"dup":1,"dup":2}}},{"function":{"name":"g","arguments":null}},{"function":{"name":"h"}},{"function":{"name":"i","arguments":[1,"a"]},"index":3}]},"done":true,"done_reason":"stop"}"#,
        #"{"message":{"role":"assistant","tool_calls":[]}}"#,
        #"{"message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":"a string"}}]}}"#,
        // the first of a repeated member wins, even when the second has another type
        #"{"model":"first","model":"second","eval_count":1,"eval_count":"x","message":{"role":"a","role":5,"content":"c"},"message":7}"#,
        #"{"\u006dodel":"escaped key first","model":"plain"}"#,
        // JSONDecoder's liberties: trailing commas, a byte-order mark, whitespace around
        #"{"message":{"role":"assistant","content":"x",},"context":[1,2,],}"#,
        "\u{FEFF}{\"model\":\"bom\"}",
        " \n\t\r{ \"model\" : \"spaced\" , \"done\" : true } \n",
        // 511 levels below the top under an unknown member
        "{\"x\":" + String(repeating: "[", count: 511) + String(repeating: "]", count: 511) + "}",
    ]

    /// Bodies `JSONDecoder` refused: each must be refused.
    static let refusedTexts: [String] = [
        "", " ", "null", "[]", "\"text\"", "1", "{", "{\"model\":\"x\"", "{\"model\":\"x\"} x", "{} {}", "{,}",
        "{\"model\":\"x\",,}", "{\"model\" \"x\"}", "{'model':'x'}", "{model:\"x\"}", "{\"done\":tru}",
        "{\"done\":1}", "{\"done\":\"true\"}", "{\"model\":5}", "{\"model\":[\"x\"]}", "{\"done_reason\":{}}",
        "{\"eval_count\":12.5}", "{\"eval_count\":\"3\"}", "{\"eval_count\":true}", "{\"eval_count\":01}",
        "{\"eval_count\":1e400}", "{\"eval_count\":9223372036854775808}", "{\"eval_count\":99999999999999999999}",
        "{\"eval_count\":-}", "{\"eval_count\":1.}", "{\"eval_count\":+1}", "{\"error\":5}",
        "{\"message\":\"x\"}", "{\"message\":[]}", "{\"message\":{}}", "{\"message\":{\"role\":null}}",
        "{\"message\":{\"role\":5}}", "{\"message\":{\"role\":\"a\",\"content\":5}}",
        "{\"message\":{\"role\":\"a\",\"images\":[1]}}", "{\"message\":{\"role\":\"a\",\"images\":\"x\"}}",
        "{\"message\":{\"role\":\"a\",\"tool_name\":[]}}", "{\"message\":{\"role\":\"a\",\"tool_calls\":{}}}",
        "{\"message\":{\"role\":\"a\",\"tool_calls\":[1]}}", "{\"message\":{\"role\":\"a\",\"tool_calls\":[{}]}}",
        "{\"message\":{\"role\":\"a\",\"tool_calls\":[{\"function\":null}]}}",
        "{\"message\":{\"role\":\"a\",\"tool_calls\":[{\"function\":{}}]}}",
        "{\"message\":{\"role\":\"a\",\"tool_calls\":[{\"function\":{\"name\":1}}]}}",
        "{\"message\":{\"role\":\"a\",\"tool_calls\":[{\"id\":1,\"function\":{\"name\":\"f\"}}]}}",
        "{\"message\":{\"role\":\"a\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":{\"n\":1e400}}}]}}",
        "{\"message\":{\"role\":\"a\",\"content\":\"\\ud800\"}}",
        "{\"message\":{\"role\":\"a\",\"content\":\"\\udc00\"}}",
        "{\"message\":{\"role\":\"a\",\"content\":\"\\ud83d\\u0041\"}}", "{\"model\":\"\\x\"}",
        "{\"model\":\"\\u12\"}", "{\"model\":\"\\uZZZZ\"}", "{\"model\":\"\\u+041\"}", "{\"model\":\"a\u{01}\"}",
        "{\"model\":\"a", "{\"\\ud800\":1}", "\u{FEFF}\u{FEFF}{}",
        "{\"x\":" + String(repeating: "[", count: 512) + String(repeating: "]", count: 512) + "}",
    ]

    /// Invalid UTF-8 in a value and in a key, which no Swift string can hold.
    static let refusedBytes: [[UInt8]] = [
        Array(#"{"model":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
        Array(#"{"model":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),
        Array(#"{"model":""#.utf8) + [0xC3] + Array(#""}"#.utf8),
        Array(#"{""#.utf8) + [0xFF] + Array(#"":1}"#.utf8),
    ]

    static var refused: [[UInt8]] { refusedTexts.map { Array($0.utf8) } + refusedBytes }

    /// The decoder gave a tool call's arguments object in hash order: compare them as sets.
    static func comparable(_ body: ResponseBody) -> ResponseBody {
        var body = body
        let calls = body.message?.toolCalls?.map { call in
            var call = call
            call.function.arguments = call.function.arguments.map(JSONCanonicalForm.of)
            return call
        }
        body.message?.toolCalls = calls
        return body
    }

    @Test("every answer JSONDecoder read comes out the same")
    func sameAsJSONDecoder() throws {
        for text in Self.accepted {
            let decoded = try JSONDecoder().decode(ResponseBody.self, from: Data(text.utf8))
            let read = try ResponseBody(reading: ByteBuffer(string: text))
            #expect(Self.comparable(read) == Self.comparable(decoded), "\(text)")
        }
    }

    @Test("a tool call's arguments become the same JSON string, numbers and repeated keys as the decoder had them")
    func argumentsString() throws {
        let text = try #require(Self.accepted.first { $0.contains("call_x") })
        let completion = try OllamaProvider.completion(from: ByteBuffer(string: text), requestedModel: "m")
        let decoded = try JSONDecoder().decode(ResponseBody.self, from: Data(text.utf8))
        let old = OllamaProvider.toolCallDeltas(in: try #require(decoded.message), startingAt: 0)
        #expect(completion.toolCalls.map(\.name) == ["get_weather", "f", "g", "h", "i"])
        #expect(completion.toolCalls[1].id == "call_x")
        for (new, old) in zip(completion.toolCalls, old) {
            #expect(
                try JSONCanonicalForm.of(Array(new.arguments.utf8)) == JSONCanonicalForm.of(Array(old.arguments.utf8)))
        }
        #expect(
            completion.toolCalls[1].arguments
                == #"{"n":[1,1,1.5,100,100000000000000000,0,1e+20,9223372036854775807,{"deep":{"er":[null,"é"]}}],"s":"x","b":true,"dup":1}"#
        )
        #expect(completion.toolCalls[2].arguments == "{}")
        #expect(completion.finishReason == .toolCalls)
    }

    @Test("every body JSONDecoder refused is refused, with the same error")
    func refusedLikeJSONDecoder() {
        let expected = ProviderError(
            kind: .invalidResponse, message: "Ollama answered 200 with a body that is not a chat response")
        for bytes in Self.refused {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(throws: (any Error).self, "JSONDecoder: \(text)") {
                try JSONDecoder().decode(ResponseBody.self, from: Data(bytes))
            }
            #expect(throws: expected, "reader: \(text)") {
                try OllamaProvider.completion(from: ByteBuffer(bytes: bytes), requestedModel: "m")
            }
        }
    }

    @Test("a body that is not JSON inside a member nobody reads is refused, where JSONDecoder never looked")
    func invalidInsideUnknownMember() {
        for text in [#"{"created_at":"\x"}"#, #"{"total_duration":01}"#, #"{"thinking":"\ud800"}"#] {
            #expect((try? JSONDecoder().decode(ResponseBody.self, from: Data(text.utf8))) != nil)
            #expect(throws: JSONValue.ParseError.self) { try ResponseBody(reading: ByteBuffer(string: text)) }
        }
    }

    @Test("the lenient parse of JSONValue(parsing:) still repairs what it always repaired")
    func lenientParsingUnchanged() throws {
        #expect(
            try JSONValue(parsing: #"["\ud800x","\u+041",007,1e400]"#)
                == .array([.string("\u{FFFD}x"), .string("A"), .integer(7), .number(.infinity)]))
        #expect(try JSONValue(parsing: Array(#"""#.utf8) + [0xFF] + Array(#"""#.utf8)) == .string("\u{FFFD}"))
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: "[1,]") }
        #expect(throws: JSONValue.ParseError.self) { try JSONValue(parsing: "\u{FEFF}[]") }
        let deep = String(repeating: "[", count: 129) + String(repeating: "]", count: 129)
        #expect(throws: JSONValue.ParseError(offset: 128, expected: "at most 128 levels of nesting")) {
            try JSONValue(parsing: deep)
        }
    }
}
