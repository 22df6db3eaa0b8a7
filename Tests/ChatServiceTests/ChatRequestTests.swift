import Foundation
import HTTPTypes
import Providers
import Testing

@testable import ChatService

@Suite("Validating the body of POST /v1/chat")
struct ChatRequestTests {
    @Test("a well-formed body is accepted with its optional fields")
    func accepted() throws {
        let request = try ChatRequest(
            json: Data(#"{"userId":"12345","prompt":"Hi","model":"llama3.2","provider":"ollama"}"#.utf8))
        #expect(request == ChatRequest(userId: "12345", prompt: "Hi", model: "llama3.2", provider: .ollama))
    }

    @Test("a userId of exactly 256 characters is accepted")
    func longestUserId() throws {
        let userId = String(repeating: "u", count: 256)
        let request = try ChatRequest(json: Data(#"{"userId":"\#(userId)","prompt":"Hi"}"#.utf8))
        #expect(request.userId == userId)
    }

    @Test(
        "each bad input of SPEC §3.1 is rejected with a message naming the problem",
        arguments: [
            ("not json", "not valid JSON"),
            ("[1,2]", "JSON object"),
            (#"{"prompt":"Hi"}"#, "userId is required"),
            (#"{"userId":"1"}"#, "prompt is required"),
            (#"{"userId":12345,"prompt":"Hi"}"#, "userId must be a string"),
            (#"{"userId":"1","prompt":["Hi"]}"#, "prompt must be a string"),
            (#"{"userId":"","prompt":"Hi"}"#, "userId must not be empty"),
            (#"{"userId":"  \t","prompt":"Hi"}"#, "userId must not be empty"),
            (#"{"userId":"1","prompt":" \n "}"#, "prompt must not be empty"),
            (#"{"userId":"\#(String(repeating: "u", count: 257))","prompt":"Hi"}"#, "at most 256"),
            (#"{"userId":"1","prompt":"Hi","provider":"Claude AI"}"#, "provider \"Claude AI\" is unknown"),
            (#"{"userId":"1","prompt":"Hi","model":7}"#, "model must be a string"),
            (#"{"userId":"1","prompt":"Hi","model":" "}"#, "model must not be empty"),
        ])
    func rejected(body: String, message: String) {
        #expect {
            _ = try ChatRequest(json: Data(body.utf8))
        } throws: { error in
            guard let error = error as? APIError else { return false }
            return error.status == .badRequest && error.code == "invalid_request" && error.message.contains(message)
        }
    }
}

@Suite("Timestamps and request ids")
struct FormattingTests {
    @Test("timestamps are ISO 8601 UTC with milliseconds and Z")
    func timestampFormat() {
        #expect(
            ISO8601Timestamp.string(from: Date(timeIntervalSince1970: 1_781_533_920.125)) == "2026-06-15T14:32:00.125Z")
        #expect(ISO8601Timestamp.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(ISO8601Timestamp.string(from: Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
    }

    @Test("a caller's request id is kept only when it is short printable ASCII")
    func requestIdFiltering() {
        #expect(RequestIDMiddleware.usableID("abc-123") == "abc-123")
        #expect(RequestIDMiddleware.usableID("") == nil)
        #expect(RequestIDMiddleware.usableID("has space") == nil)
        #expect(RequestIDMiddleware.usableID("line\nbreak") == nil)
        #expect(RequestIDMiddleware.usableID(String(repeating: "x", count: 129)) == nil)
        let generated = RequestIDMiddleware.generateID()
        #expect(generated.count == 32 && generated.allSatisfy(\.isHexDigit))
        #expect(generated != RequestIDMiddleware.generateID())
    }
}
