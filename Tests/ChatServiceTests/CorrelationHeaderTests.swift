import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import ChatService

@Suite("Seed 004's X-Correlation-Id and X-User-Id headers")
struct CorrelationHeaderTests {
    @Test("X-Correlation-Id is echoed and becomes the request id when no X-Request-Id is sent")
    func correlationID() async throws {
        try await ChatServiceHarness.run { harness, client in
            let response = try await client.postChat(
                #"{"userId": "u", "prompt": "hi"}"#, headers: [HTTPField.Name("X-Correlation-Id")!: "corr-123"])
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("X-Correlation-Id")!] == "corr-123")
            #expect(response.headers[HTTPField.Name("X-Request-Id")!] == "corr-123")
            let document = try await harness.storedDocument(id: try #require(try response.json()["id"] as? String))
            #expect(document["requestId"] as? String == "corr-123")

            let both = try await client.execute(
                uri: "/v1/models", method: .get,
                headers: [HTTPField.Name("X-Correlation-Id")!: "corr-9", HTTPField.Name("X-Request-Id")!: "req-9"])
            #expect(both.headers[HTTPField.Name("X-Correlation-Id")!] == "corr-9")
            #expect(both.headers[HTTPField.Name("X-Request-Id")!] == "req-9")
            let none = try await client.execute(uri: "/v1/models", method: .get)
            #expect(none.headers[HTTPField.Name("X-Correlation-Id")!] == nil)
        }
    }

    @Test("X-User-Id sets userId on OpenAI routes unless the body names a user")
    func userHeader() async throws {
        try await ChatServiceHarness.run { harness, client in
            let userHeader = HTTPField.Name("X-User-Id")!
            let plain = try await OpenAIRouteTests.post(
                client, "/v1/chat/completions",
                #"{"model": "llama3.2", "messages": [{"role": "user", "content": "a"}]}"#,
                headers: [userHeader: "header-user"])
            #expect(plain.status == .ok)
            let firstID = try #require(try plain.json()["id"] as? String).dropFirst("chatcmpl-".count)
            let first = try await harness.storedDocument(id: String(firstID))
            #expect(first["userId"] as? String == "header-user")

            let named = try await OpenAIRouteTests.post(
                client, "/v1/chat/completions",
                #"{"model": "llama3.2", "user": "body-user", "messages": [{"role": "user", "content": "b"}]}"#,
                headers: [userHeader: "header-user"])
            let secondID = try #require(try named.json()["id"] as? String).dropFirst("chatcmpl-".count)
            let second = try await harness.storedDocument(id: String(secondID))
            #expect(second["userId"] as? String == "body-user")
        }
    }
}
