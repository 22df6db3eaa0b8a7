import Foundation
import Testing

@testable import ChatService

@Suite("The /v1/chat body read in one pass")
struct ChatRequestWireTests {
    /// The shape `ChatRequest` decoded with `JSONDecoder` before: the reference.
    struct FoundationWire: Decodable {
        var userId: String?
        var prompt: String?
        var model: String?
        var provider: String?
    }

    static let bodies: [String] = [
        #"{"userId":"12345","prompt":"What is SSE?"}"#,
        #"{"userId":"1","prompt":"Hi","model":"llama3.2","provider":"ollama"}"#,
        #" { "prompt" : "p" , "userId" : "u" , "extra" : {"a":[1,2.5,null,true]} } "#,
        #"{"userId":null,"prompt":null,"model":null,"provider":null}"#,
        #"{}"#,
        #"{"userId":"\u00e9\ud83d\ude00\n\t\"\\\/ 漢字","prompt":"\u0000\u001f"}"#,
        #"{"userId":12345,"prompt":"Hi"}"#,
        #"{"userId":"1","prompt":["Hi"]}"#,
        #"{"userId":true,"prompt":{},"model":7,"provider":1.5}"#,
        #"{"provider":7,"model":[],"prompt":"p","userId":"u"}"#,
        #"{"model":false,"userId":"u"}"#,
        "[1,2]", "\"text\"", "12", "true", "null", " null ", "not json", "", "{", #"{"userId":"1",}"#,
        #"{"userId":"1","userId":"2"}"#, #"{"userId":"1","n":1e999}"#, #"{"userId":"\ud800"}"#,
        #"{"userId":"1","prompt":"p"} x"#, "\u{FEFF}{}",
        "{\"a\":" + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}",
    ]

    @Test("every body reads to the same fields, or fails the same way, as through JSONDecoder")
    func sameAsJSONDecoder() {
        for body in Self.bodies {
            let bytes = Array(body.utf8)
            let expected: Result<ChatRequest.Wire, JSONRequestBody.Failure>
            do throws(JSONRequestBody.Failure) {
                let decoded = try JSONRequestBody.decode(FoundationWire.self, from: bytes)
                expected = .success(
                    ChatRequest.Wire(
                        userId: decoded.userId, prompt: decoded.prompt, model: decoded.model,
                        provider: decoded.provider))
            } catch {
                expected = .failure(error)
            }
            let read = Result { () throws(JSONRequestBody.Failure) in try ChatRequest.Wire(reading: bytes) }
            #expect(read == expected, "\(body)")
        }
    }

    @Test("invalid UTF-8 is not JSON, as it was")
    func invalidUTF8() {
        let bytes = Array(#"{"userId":""#.utf8) + [0xFF] + Array(#"","prompt":"p"}"#.utf8)
        #expect(throws: JSONRequestBody.Failure.notJSON) { try ChatRequest.Wire(reading: bytes) }
        #expect(throws: JSONRequestBody.Failure.notJSON) {
            try JSONRequestBody.decode(FoundationWire.self, from: bytes)
        }
    }
}
