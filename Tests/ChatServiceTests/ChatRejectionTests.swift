import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@Suite("Rejected requests, health and readiness")
struct ChatRejectionTests {
    static let badBodies: [(body: String, message: String)] = [
        ("this is not json", "not valid JSON"),
        ("[]", "JSON object"),
        (#"{"prompt":"hi"}"#, "userId is required"),
        (#"{"userId":"u"}"#, "prompt is required"),
        (#"{"userId":42,"prompt":"hi"}"#, "userId must be a string"),
        (#"{"userId":"u","prompt":{"text":"hi"}}"#, "prompt must be a string"),
        (#"{"userId":"","prompt":"hi"}"#, "userId must not be empty"),
        (#"{"userId":"u","prompt":"   "}"#, "prompt must not be empty"),
        (#"{"userId":"\#(String(repeating: "x", count: 257))","prompt":"hi"}"#, "at most 256"),
        (#"{"userId":"u","prompt":"hi","provider":"anthropic"}"#, "unknown"),
        (#"{"userId":"u","prompt":"hi","provider":"gemini"}"#, "not configured"),
    ]

    @Test("each bad input of SPEC §3.1 gets 400 with the error body, and nothing is stored or sent upstream")
    func badInputs() async throws {
        try await ChatServiceHarness.run { harness, client in
            for (body, message) in Self.badBodies {
                let response = try await client.postChat(body)
                #expect(response.status == .badRequest, "\(body)")
                let error = try #require(try response.json()["error"] as? [String: Any])
                #expect(error["code"] as? String == "invalid_request")
                #expect((error["message"] as? String)?.contains(message) == true, "\(body) → \(error)")
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            #expect(try await harness.storedCount() == 0)
            #expect(harness.double.requests.isEmpty)
        }
    }

    @Test("a body larger than MAX_BODY_BYTES gets 413 and nothing is stored")
    func tooLarge() async throws {
        try await ChatServiceHarness.run(configure: { $0.maxBodyBytes = 1024 }) { harness, client in
            let prompt = String(repeating: "a", count: 2000)
            let response = try await client.postChat(#"{"userId":"u","prompt":"\#(prompt)"}"#)
            #expect(response.status == .contentTooLarge)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "payload_too_large")
            #expect(try await harness.storedCount() == 0)
            #expect(harness.double.requests.isEmpty)

            let fits = try await client.postChat(#"{"userId":"u","prompt":"\#(String(repeating: "a", count: 900))"}"#)
            #expect(fits.status == .ok)
        }
    }

    @Test("health answers without I/O and readiness reports MongoDB up")
    func healthAndReady() async throws {
        try await ChatServiceHarness.run { _, client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            #expect(try health.json()["status"] as? String == "ok")
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .ok)
            #expect(try ready.json()["mongo"] as? String == "up")
        }
    }

    @Test(
        "with MongoDB unreachable and no room in the spool a chat gets 503 with Retry-After quickly and readiness says down"
    )
    func databaseUnreachable() async throws {
        let refusing = try RefusingPort()
        try await ChatServiceHarness.run(configure: {
            $0.mongoURI = "mongodb://127.0.0.1:\(refusing.port)/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
            $0.spoolMaxBytes = 1  // the spool cannot take even one interaction
        }) { _, client in
            defer { withExtendedLifetime(refusing) {} }
            let started = ContinuousClock.now
            let response = try await client.postChat(#"{"userId":"u","prompt":"hi"}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(ContinuousClock.now - started < .seconds(3))
            #expect(response.headers[.retryAfter] != nil)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "storage_unavailable")
            #expect((error["message"] as? String)?.contains("MongoDB") == true)

            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
            let ready = try await client.execute(uri: "/ready", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(try ready.json()["mongo"] as? String == "down")
        }
    }
}
