import Foundation
import HTTPTypes
import HummingbirdTesting
import MongoDriver
import NIOCore
import Persistence
import TestSupport
import Testing

@testable import ChatService

@Suite("API keys and token usage")
struct APIKeyAndUsageTests {
    static let adminKey = ChatServiceHarness.adminKey

    static func withKeys(
        _ body: @escaping @Sendable (ChatServiceHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await ChatServiceHarness.runWithKeys(body)
    }

    static func bearer(_ key: String) -> HTTPFields { ChatServiceHarness.bearer(key) }

    static func createKey(_ client: any TestClientProtocol, name: String) async throws -> (id: String, key: String) {
        try await ChatServiceHarness.createClientKey(client, name: name)
    }

    static func chat(
        _ client: any TestClientProtocol, headers: HTTPFields, prompt: String = "hi"
    ) async throws -> TestResponse {
        try await client.postChat(#"{"userId": "u", "prompt": "\#(prompt)"}"#, headers: headers)
    }

    @Test(
        "with ADMIN_API_KEY set, /v1 routes refuse a missing or unknown key: SPEC shape on /v1/chat, OpenAI shape on /v1/chat/completions"
    )
    func refusesWithoutKey() async throws {
        try await Self.withKeys { harness, client in
            let missing = try await Self.chat(client, headers: [:])
            #expect(missing.status == .unauthorized)
            #expect((try missing.json()["error"] as? [String: Any])?["code"] as? String == "missing_api_key")
            let unknown = try await Self.chat(client, headers: Self.bearer("csk_not-a-real-key"))
            #expect(unknown.status == .unauthorized)
            let openAI = try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: Self.bearer("csk_wrong"),
                body: ByteBuffer(string: #"{"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}"#))
            #expect(openAI.status == .unauthorized)
            let error = try #require(try openAI.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "invalid_api_key")
            #expect(error["type"] as? String == "invalid_request_error")
            #expect(harness.double.requests.isEmpty)
            #expect(try await harness.storedCount() == 0)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok, "health stays open")
        }
    }

    @Test(
        "a created key works as Bearer and X-API-Key, is stored only as its SHA-256, and its id lands in each document")
    func createdKeyWorks() async throws {
        try await Self.withKeys { harness, client in
            let (id, key) = try await Self.createKey(client, name: "billing")
            #expect(key.hasPrefix("csk_") && key.count == 68)
            let viaBearer = try await Self.chat(client, headers: Self.bearer(key))
            #expect(viaBearer.status == .ok)
            let viaHeader = try await Self.chat(client, headers: [HTTPField.Name("X-API-Key")!: key])
            #expect(viaHeader.status == .ok)
            let document = try await harness.storedDocument(id: try #require(try viaBearer.json()["id"] as? String))
            #expect(document["apiKeyId"] as? String == id)

            let stored = try await harness.reader.findDocuments(collection: "api_keys")
            #expect(stored.count == 1)
            #expect(!stored[0].contains(key), "the key itself is never stored")
            #expect(stored[0].contains(key.sha256Hex))

            let listing = try await client.execute(
                uri: "/admin/keys", method: .get, headers: Self.bearer(Self.adminKey))
            let keys = try #require(try listing.json()["keys"] as? [[String: Any]])
            #expect(keys.count == 1 && keys[0]["id"] as? String == id && keys[0]["name"] as? String == "billing")
            #expect(keys[0]["key"] == nil && keys[0]["revoked"] as? Bool == false)
        }
    }

    @Test("a revoked key is refused at once on the replica that revoked it")
    func revocation() async throws {
        try await Self.withKeys { _, client in
            let (id, key) = try await Self.createKey(client, name: "temp")
            #expect(try await Self.chat(client, headers: Self.bearer(key)).status == .ok)
            let revoke = try await client.execute(
                uri: "/admin/keys/\(id)", method: .delete, headers: Self.bearer(Self.adminKey))
            #expect(revoke.status == .ok)
            #expect(try await Self.chat(client, headers: Self.bearer(key)).status == .unauthorized)
            let again = try await client.execute(
                uri: "/admin/keys/nope", method: .delete, headers: Self.bearer(Self.adminKey))
            #expect(again.status == .notFound)
        }
    }

    @Test("admin routes need the admin key; a client key is not enough")
    func adminRoutesNeedAdmin() async throws {
        try await Self.withKeys { _, client in
            let (_, key) = try await Self.createKey(client, name: "client")
            let asClient = try await client.execute(uri: "/admin/keys", method: .get, headers: Self.bearer(key))
            #expect(asClient.status == .unauthorized)
            let anonymous = try await client.execute(uri: "/admin/keys", method: .get)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test(
        "the admin key opens admin routes only: /v1/chat, /v1/chat/completions and /v1/models answer 401 to it, nothing reaches a provider or is stored, and /v1/usage accepts it"
    )
    func adminKeyIsRefusedOnClientRoutes() async throws {
        try await Self.withKeys { harness, client in
            let admin = Self.bearer(Self.adminKey)
            let native = try await Self.chat(client, headers: admin)
            #expect(native.status == .unauthorized)
            let nativeError = try #require(try native.json()["error"] as? [String: Any])
            #expect(nativeError["code"] as? String == "admin_key_not_accepted")
            #expect((nativeError["message"] as? String)?.contains("admin routes only") == true)
            let viaHeader = try await Self.chat(client, headers: [HTTPField.Name("X-API-Key")!: Self.adminKey])
            #expect(viaHeader.status == .unauthorized)

            let openAI = try await client.execute(
                uri: "/v1/chat/completions", method: .post, headers: admin.merging([.contentType: "application/json"]),
                body: ByteBuffer(string: #"{"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}]}"#))
            #expect(openAI.status == .unauthorized)
            let openAIError = try #require(try openAI.json()["error"] as? [String: Any])
            #expect(openAIError["type"] as? String == "invalid_request_error")
            #expect((openAIError["message"] as? String)?.contains("admin routes only") == true)
            #expect(try await client.execute(uri: "/v1/models", method: .get, headers: admin).status == .unauthorized)
            #expect(harness.double.requests.isEmpty)
            #expect(try await harness.storedCount() == 0)

            #expect(try await client.execute(uri: "/v1/usage", method: .get, headers: admin).status == .ok)
            #expect(try await client.execute(uri: "/admin/keys", method: .get, headers: admin).status == .ok)
            let (_, key) = try await Self.createKey(client, name: "client")
            #expect(try await Self.chat(client, headers: Self.bearer(key)).status == .ok)
        }
    }

    @Test("without ADMIN_API_KEY the admin routes do not exist and /v1 is open")
    func openService() async throws {
        try await ChatServiceHarness.run { _, client async throws in
            #expect(try await client.execute(uri: "/admin/keys", method: .get).status == .notFound)
            #expect(try await Self.chat(client, headers: [:]).status == .ok)
        }
    }

    @Test(
        "usage totals equal the sums over the stored documents, by model, day and provider; a client key sees only its own"
    )
    func usageMatchesDocuments() async throws {
        try await Self.withKeys { harness, client in
            let (aliceID, alice) = try await Self.createKey(client, name: "alice")
            let (_, bob) = try await Self.createKey(client, name: "bob")
            for prompt in ["one", "two words", "three little words"] {
                #expect(try await Self.chat(client, headers: Self.bearer(alice), prompt: prompt).status == .ok)
            }
            harness.double.script(Array(repeating: .error(status: 500), count: 3), for: .ollama)
            #expect(try await Self.chat(client, headers: Self.bearer(alice), prompt: "fails").status == .badGateway)
            #expect(try await Self.chat(client, headers: Self.bearer(bob), prompt: "bob's").status == .ok)

            // The truth: sums over the stored documents, per key.
            let documents = try await harness.reader.findDocuments().map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            func sums(_ filter: ([String: Any]) -> Bool) throws -> (requests: Int, total: Int, errors: Int) {
                let chosen = documents.filter(filter)
                let total = try chosen.reduce(0) {
                    $0 + Int(try ExtendedJSON.int32(($1["usage"] as? [String: Any])?["totalTokens"]))
                }
                return (chosen.count, total, chosen.filter { $0["status"] as? String == "error" }.count)
            }
            let aliceTruth = try sums { $0["apiKeyId"] as? String == aliceID }
            let allTruth = try sums { _ in true }
            #expect(aliceTruth.requests == 4 && aliceTruth.errors == 1)

            let aliceUsage = try await client.execute(uri: "/v1/usage", method: .get, headers: Self.bearer(alice))
            #expect(aliceUsage.status == .ok)
            let aliceTotals = try #require(try aliceUsage.json()["totals"] as? [String: Any])
            #expect(aliceTotals["requests"] as? Int == aliceTruth.requests)
            #expect(aliceTotals["totalTokens"] as? Int == aliceTruth.total)
            #expect(aliceTotals["errors"] as? Int == aliceTruth.errors)

            let adminUsage = try await client.execute(
                uri: "/v1/usage?groupBy=model", method: .get, headers: Self.bearer(Self.adminKey))
            let adminBody = try adminUsage.json()
            #expect((adminBody["totals"] as? [String: Any])?["requests"] as? Int == allTruth.requests)
            #expect((adminBody["totals"] as? [String: Any])?["totalTokens"] as? Int == allTruth.total)
            let groups = try #require(adminBody["groups"] as? [[String: Any]])
            #expect(groups.map { $0["key"] as? String } == ["llama3.2"])

            for grouping in ["day", "provider"] {
                let grouped = try await client.execute(
                    uri: "/v1/usage?groupBy=\(grouping)", method: .get, headers: Self.bearer(Self.adminKey))
                let rows = try #require(try grouped.json()["groups"] as? [[String: Any]])
                #expect(rows.reduce(0) { $0 + ($1["requests"] as? Int ?? 0) } == allTruth.requests)
            }
            let today = String(ISO8601Timestamp.string(from: Date()).prefix(10))  // the UTC day, YYYY-MM-DD
            let byDay = try await client.execute(
                uri: "/v1/usage?groupBy=day", method: .get, headers: Self.bearer(Self.adminKey))
            #expect((try byDay.json()["groups"] as? [[String: Any]])?.first?["key"] as? String == today)

            let future = try await client.execute(
                uri: "/v1/usage?from=2099-01-01", method: .get, headers: Self.bearer(Self.adminKey))
            #expect((try future.json()["totals"] as? [String: Any])?["requests"] as? Int == 0)
            let byUser = try await client.execute(
                uri: "/v1/usage?userId=nobody", method: .get, headers: Self.bearer(Self.adminKey))
            #expect((try byUser.json()["totals"] as? [String: Any])?["requests"] as? Int == 0)
            for bad in ["groupBy=week", "from=yesterday", "from=2026-02-01&to=2026-01-01"] {
                let response = try await client.execute(
                    uri: "/v1/usage?\(bad)", method: .get, headers: Self.bearer(Self.adminKey))
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }
}

extension String {
    var sha256Hex: String { APIKeyHashForTests.hex(self) }
}

/// An independent SHA-256 (via sha256sum) so the test does not trust the code under test.
enum APIKeyHashForTests {
    static func hex(_ text: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var merged = self
        for field in other { merged[field.name] = field.value }
        return merged
    }
}
