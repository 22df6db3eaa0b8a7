import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Persistence
import TestSupport
import Testing

@testable import ChatService

@Suite("One JSON response path and one Retry-After rule")
struct ResponseEncodingTests {
    @Test(
        "Retry-After is the delay in whole seconds rounded up, at least one, and absent without a delay",
        arguments: [
            (Duration.milliseconds(200), "1"), (.seconds(1), "1"), (.milliseconds(1200), "2"), (.zero, "1"),
            (.seconds(5), "5"),
        ])
    func retryAfterRule(delay: Duration, header: String) {
        var fields = HTTPFields()
        fields.setRetryAfter(delay)
        #expect(fields[.retryAfter] == header)
        #expect(fields[HTTPFields.retryAfterMillisecondsName] == nil)
    }

    @Test("no delay means no Retry-After header")
    func noRetryAfterWithoutDelay() {
        var fields = HTTPFields()
        fields.setRetryAfter(nil, milliseconds: true)
        #expect(fields.isEmpty)
    }

    @Test("an OpenAI-shaped error rounds Retry-After like every other error and adds retry-after-ms")
    func openAIErrorUsesTheSameRule() throws {
        var error = APIError(status: .tooManyRequests, code: "rate_limit_exceeded", message: "slow down")
        error.retryAfter = .milliseconds(1200)
        let response = try APIErrorDialect.openAI.response(for: error)
        #expect(response.headers[.retryAfter] == "2")
        #expect(response.headers[HTTPFields.retryAfterMillisecondsName] == "1200")
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
    }

    @Test("a storage failure is one 503 storage_unavailable with Retry-After 5 that names its cause")
    func storageUnavailableNamesTheCause() {
        let spoolFull = APIError.storageUnavailable(
            "the answer could not be stored durably", PersistenceError(code: .spoolFull, message: "the spool is full"))
        #expect(spoolFull.status == .serviceUnavailable)
        #expect(spoolFull.code == "storage_unavailable")
        #expect(spoolFull.retryAfter == .seconds(5))
        #expect(spoolFull.message.contains("MongoDB is unreachable and the spool cannot take more interactions"))
        #expect(spoolFull.message.contains("the spool is full"))
        let rejected = APIError.storageUnavailable(
            "keys could not be read", PersistenceError(code: .commandFailed, message: "not authorized"))
        #expect(rejected.message == "keys could not be read (MongoDB: not authorized); retry later")
    }

    @Test("the 200 body of /v1/chat has its keys in the order SPEC §3.1 shows them")
    func chatAnswerKeysInSpecOrder() async throws {
        try await ChatServiceHarness.run { _, client in
            let response = try await client.postChat(#"{"userId":"12345","prompt":"order please"}"#)
            #expect(response.status == .ok)
            let body = String(buffer: response.body)
            let keys = [
                "id", "userId", "prompt", "response", "model", "provider", "timestamp", "usage", "promptTokens",
                "completionTokens", "totalTokens", "latencyMs", "attempts", "fallback",
            ]
            let offsets = try keys.map { key in
                try #require(body.range(of: "\"\(key)\":"), "no \(key) in \(body)").lowerBound
            }
            #expect(offsets == offsets.sorted(), "keys out of order in \(body)")
        }
    }
}
