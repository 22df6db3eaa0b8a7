import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import ChatService

@Suite("POST /admin/create_key (seed 001)")
struct AdminCreateKeyTests {
    static func createKey(
        _ client: any TestClientProtocol, query: String, key: String = ChatServiceHarness.adminKey
    )
        async throws -> TestResponse
    {
        try await client.execute(
            uri: "/admin/create_key\(query)", method: .post, headers: ChatServiceHarness.bearer(key))
    }

    @Test(
        "create_key answers seed 001's {message, api_key, owner}; the key works on /v1/chat and is listed with its name and email"
    )
    func createsAWorkingKey() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            let response = try await Self.createKey(client, query: "?name=Cliente%20Um&email=cliente%40example.com")
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(Set(body.keys) == ["message", "api_key", "owner"])
            #expect(body["owner"] as? String == "cliente@example.com")
            #expect(body["message"] as? String == "API key created")
            let key = try #require(body["api_key"] as? String)
            #expect(key.hasPrefix("csk_") && key.count == 68)

            let chat = try await client.postChat(
                #"{"userId": "u", "prompt": "hi"}"#, headers: ChatServiceHarness.bearer(key))
            #expect(chat.status == .ok)
            let listing = try await client.execute(
                uri: "/admin/keys", method: .get, headers: ChatServiceHarness.bearer(ChatServiceHarness.adminKey))
            let keys = try #require(try listing.json()["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(keys.first?["name"] as? String == "Cliente Um")
            #expect(keys.first?["email"] as? String == "cliente@example.com")
            let document = try await harness.storedDocument(id: try #require(try chat.json()["id"] as? String))
            #expect(document["apiKeyId"] as? String == keys.first?["id"] as? String)
            let stored = try await harness.reader.findDocuments(collection: "api_keys")
            #expect(stored.count == 1 && !stored[0].contains(key), "only the key's SHA-256 is stored")
        }
    }

    @Test(
        "create_key without name or email, or with a malformed email, is a 400 naming the parameter, and stores nothing"
    )
    func rejectsBadParameters() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            let cases: [(query: String, mentions: String)] = [
                ("", "name"), ("?email=a%40b.c", "name"), ("?name=%20%20&email=a%40b.c", "name"),
                ("?name=n", "email"), ("?name=n&email=", "email"), ("?name=n&email=not-an-address", "email"),
                ("?name=n&email=a%40b%40c", "email"), ("?name=n&email=a%20b%40c.d", "email"),
                ("?name=\(String(repeating: "x", count: 201))&email=a%40b.c", "name"),
            ]
            for (query, mentions) in cases {
                let response = try await Self.createKey(client, query: query)
                #expect(response.status == .badRequest, "\(query)")
                let error = try #require(try response.json()["error"] as? [String: Any])
                #expect(error["code"] as? String == "invalid_request", "\(query)")
                #expect((error["message"] as? String)?.contains("the \(mentions) query parameter") == true, "\(query)")
            }
            #expect(try await harness.reader.findDocuments(collection: "api_keys").isEmpty)
        }
    }

    @Test("create_key needs the admin key: a client key or no key gets 401 and no key is made")
    func needsTheAdminKey() async throws {
        try await ChatServiceHarness.runWithKeys { harness, client in
            let (_, clientKey) = try await ChatServiceHarness.createClientKey(client)
            let asClient = try await Self.createKey(client, query: "?name=n&email=a%40b.c", key: clientKey)
            #expect(asClient.status == .unauthorized)
            #expect((try asClient.json()["error"] as? [String: Any])?["code"] as? String == "invalid_admin_key")
            let anonymous = try await client.execute(uri: "/admin/create_key?name=n&email=a%40b.c", method: .post)
            #expect(anonymous.status == .unauthorized)
            #expect(try await harness.reader.findDocuments(collection: "api_keys").count == 1)
        }
    }

    @Test("without ADMIN_API_KEY there is no create_key route")
    func absentWithoutAdminKey() async throws {
        try await ChatServiceHarness.run { _, client in
            let response = try await client.execute(uri: "/admin/create_key?name=n&email=a%40b.c", method: .post)
            #expect(response.status == .notFound)
        }
    }
}
