import Foundation
import HTTPTypes
import HummingbirdTesting
import MongoDriver
import NIOCore
import NIOFoundationCompat
import TestSupport
import Testing

@testable import ChatService

/// Limits set through the admin API and enforced on the client routes (SPEC §10, §3.3).
@Suite("Key limits on the routes")
struct KeyLimitRouteTests {
    static let admin = ChatServiceHarness.bearer(ChatServiceHarness.adminKey)

    /// Creates a key with `limitsJSON` and returns its id and key.
    static func createKey(_ client: any TestClientProtocol, limitsJSON: String) async throws -> (String, String) {
        var headers = admin
        headers[.contentType] = "application/json"
        let response = try await client.execute(
            uri: "/admin/keys", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"name": "limited", "limits": \#(limitsJSON)}"#))
        #expect(response.status == .created)
        let body = try response.json()
        let limits = try #require(body["limits"] as? [String: Any])
        #expect(!limits.isEmpty)
        return (try #require(body["id"] as? String), try #require(body["key"] as? String))
    }

    @Test(
        "over requestsPerMinute: 429 with Retry-After in the SPEC shape before the provider is called, nothing stored, counted in /metrics"
    )
    func requestsPerMinuteOnChat() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            let (_, key) = try await Self.createKey(client, limitsJSON: #"{"requestsPerMinute": 2}"#)
            for _ in 0..<2 {
                #expect(
                    try await client.postChat(
                        #"{"userId": "u", "prompt": "hi"}"#, headers: ChatServiceHarness.bearer(key)
                    ).status == .ok)
            }
            let calls = harness.double.requests.count
            let refused = try await client.postChat(
                #"{"userId": "u", "prompt": "hi"}"#, headers: ChatServiceHarness.bearer(key))
            #expect(refused.status == .tooManyRequests)
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 >= 1)
            let error = try #require(try refused.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect(harness.double.requests.count == calls, "no provider call for a refused request")
            #expect(try await harness.storedCount() == 2)
            let metrics = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(metrics.contains(#"chat_rate_limited_total{limit="requestsPerMinute"} 1"#))
        }
    }

    @Test("on /v1/chat/completions the 429 takes OpenAI's shape with code rate_limit_exceeded")
    func openAIShape() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            let (_, key) = try await Self.createKey(client, limitsJSON: #"{"requestsPerMinute": 1}"#)
            var headers = ChatServiceHarness.bearer(key)
            headers[.contentType] = "application/json"
            let body = #"{"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}"#
            let first = try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(first.status == .ok)
            let refused = try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            let error = try #require(try refused.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "rate_limit_exceeded")
            #expect(error["message"] is String && error["type"] is String)
            #expect(try await harness.storedCount() == 1)
        }
    }

    @Test("tokensPerMinute refuses once the window's tokens would pass it, and a streamed call settles its tokens too")
    func tokensPerMinute() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            // The double answers "one two three" (3 words) with its fixed reply: a fixed total per call.
            let (id, key) = try await Self.createKey(client, limitsJSON: #"{"tokensPerMinute": 40}"#)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<12 {
                statuses.append(
                    try await client.postChat(
                        #"{"userId": "u", "prompt": "one two three"}"#, headers: ChatServiceHarness.bearer(key)
                    ).status)
            }
            #expect(statuses.contains(.tooManyRequests))
            let admitted = statuses.filter { $0 == .ok }.count
            let listing = try await client.execute(uri: "/admin/keys", method: .get, headers: Self.admin)
            let keys = try #require(try listing.json()["keys"] as? [[String: Any]])
            let listed = try #require(keys.first { $0["id"] as? String == id })
            let window = try #require(listed["window"] as? [String: Any])
            #expect(window["requests"] as? Int == admitted)
            let tokens = try #require(window["tokens"] as? Int)
            #expect(tokens <= 40 && tokens > 0)
            #expect(try await harness.storedCount() == admitted)
        }
    }

    @Test(
        "PATCH /admin/keys/{id} raises a reached limit and takes effect at once; a bad limit is 400; an unknown id 404")
    func patchRaisesLimit() async throws {
        try await ChatServiceHarness.runWithKeys { _, client in
            let (id, key) = try await Self.createKey(client, limitsJSON: #"{"requestsPerMinute": 1}"#)
            let chat = #"{"userId": "u", "prompt": "hi"}"#
            #expect(try await client.postChat(chat, headers: ChatServiceHarness.bearer(key)).status == .ok)
            #expect(try await client.postChat(chat, headers: ChatServiceHarness.bearer(key)).status == .tooManyRequests)
            var headers = Self.admin
            headers[.contentType] = "application/json"
            let patched = try await client.execute(
                uri: "/admin/keys/\(id)", method: .patch, headers: headers,
                body: ByteBuffer(string: #"{"limits": {"requestsPerMinute": 5, "budgetPerDay": 2.5}}"#))
            #expect(patched.status == .ok)
            let limits = try #require(try patched.json()["limits"] as? [String: Any])
            #expect(limits["requestsPerMinute"] as? Int == 5 && limits["budgetPerDay"] as? Double == 2.5)
            #expect(try await client.postChat(chat, headers: ChatServiceHarness.bearer(key)).status == .ok)
            let bad = try await client.execute(
                uri: "/admin/keys/\(id)", method: .patch, headers: headers,
                body: ByteBuffer(string: #"{"limits": {"requestsPerMinute": 0}}"#))
            #expect(bad.status == .badRequest)
            let unknown = try await client.execute(
                uri: "/admin/keys/nope", method: .patch, headers: headers,
                body: ByteBuffer(string: #"{"limits": {"requestsPerMinute": 3}}"#))
            #expect(unknown.status == .notFound)
            let cleared = try await client.execute(
                uri: "/admin/keys/\(id)", method: .patch, headers: headers,
                body: ByteBuffer(string: #"{"limits": null}"#))
            #expect(cleared.status == .ok)
            for _ in 0..<6 {
                #expect(try await client.postChat(chat, headers: ChatServiceHarness.bearer(key)).status == .ok)
            }
        }
    }

    @Test("the limits collection gets a TTL index on expiresAt")
    func ttlIndex() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            let (_, key) = try await Self.createKey(client, limitsJSON: #"{"requestsPerMinute": 5}"#)
            _ = try await client.postChat(#"{"userId": "u", "prompt": "hi"}"#, headers: ChatServiceHarness.bearer(key))
            let indexes = try await harness.reader.listIndexes(collection: "limits")
            #expect(indexes.contains { $0.contains("expiresAt") && $0.contains("expireAfterSeconds") })
        }
    }
}
