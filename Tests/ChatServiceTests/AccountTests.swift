import Foundation
import HTTPTypes
import HummingbirdTesting
import MongoDriver
import NIOCore
import NIOFoundationCompat
import TestSupport
import Testing

@testable import ChatService

/// Seed 000's account flows (SPEC §8) through the real application and SecantusDB.
@Suite("Accounts: register, login, usage")
struct AccountTests {
    static let password = "correct horse battery staple"

    static func withAccounts(
        _ body: @escaping @Sendable (ChatServiceHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await ChatServiceHarness.runWithKeys(configure: { $0.allowRegistration = true }, body)
    }

    static func post(
        _ client: any TestClientProtocol, _ path: String, username: String, password: String
    ) async throws -> TestResponse {
        let body = try JSONSerialization.data(withJSONObject: ["username": username, "password": password])
        return try await client.execute(
            uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(data: body))
    }

    @Test(
        "register answers 201 with a key that opens /v1/chat, and users holds a bcrypt hash of cost 10 and never the password"
    )
    func registerIssuesAWorkingKey() async throws {
        try await Self.withAccounts { harness, client in
            let response = try await Self.post(client, "/register", username: "ana.souza", password: Self.password)
            #expect(response.status == .created)
            let body = try response.json()
            #expect(body["username"] as? String == "ana.souza")
            let key = try #require(body["api_key"] as? String)
            let chat = try await client.postChat(
                #"{"userId": "u", "prompt": "hi"}"#, headers: ChatServiceHarness.bearer(key))
            #expect(chat.status == .ok)
            let users = try await harness.reader.findDocuments(collection: "users")
            #expect(users.count == 1)
            #expect(users[0].contains("$2b$10$") || users[0].contains("$2a$10$") || users[0].contains("$2y$10$"))
            for collection in ["users", "api_keys", "interactions", "limits"] {
                for document in try await harness.reader.findDocuments(collection: collection) {
                    #expect(!document.contains(Self.password), "the password is in \(collection)")
                }
            }
            let indexes = try await harness.reader.listIndexes(collection: "users")
            #expect(indexes.contains { $0.contains("\"username\"") && $0.contains("\"unique\" : true") })
        }
    }

    @Test("a taken username is 409; a short password, a bad username or a non-JSON body is 400")
    func registrationRules() async throws {
        try await Self.withAccounts { _, client in
            #expect(
                try await Self.post(client, "/register", username: "bruno", password: Self.password).status == .created)
            let duplicate = try await Self.post(client, "/register", username: "bruno", password: "another-password")
            #expect(duplicate.status == .conflict)
            #expect((try duplicate.json()["error"] as? [String: Any])?["code"] as? String == "username_taken")
            let weak = try await Self.post(client, "/register", username: "carla", password: "short")
            #expect(weak.status == .badRequest)
            let message = try #require((try weak.json()["error"] as? [String: Any])?["message"] as? String)
            #expect(message.contains("8 to 256") && !message.contains("short"))
            #expect(
                try await Self.post(client, "/register", username: "x", password: Self.password).status == .badRequest)
            #expect(
                try await Self.post(client, "/register", username: "d a n", password: Self.password).status
                    == .badRequest)
            let notJSON = try await client.execute(uri: "/register", method: .post, body: ByteBuffer(string: "{"))
            #expect(notJSON.status == .badRequest)
        }
    }

    @Test("login issues a new key owned by the account, the old key keeps working, and /user/usage sums both keys")
    func loginAndUsage() async throws {
        try await Self.withAccounts { _, client in
            let registered = try await Self.post(client, "/register", username: "dora", password: Self.password)
            let first = try #require(try registered.json()["api_key"] as? String)
            let login = try await Self.post(client, "/login", username: "dora", password: Self.password)
            #expect(login.status == .ok)
            let second = try #require(try login.json()["api_key"] as? String)
            #expect(first != second)
            for key in [first, second, first] {
                let chat = try await client.postChat(
                    #"{"userId": "u", "prompt": "one two three"}"#, headers: ChatServiceHarness.bearer(key))
                #expect(chat.status == .ok)
            }
            let usage = try await client.execute(
                uri: "/user/usage", method: .get, headers: ChatServiceHarness.bearer(second))
            #expect(usage.status == .ok)
            let body = try usage.json()
            #expect(body["username"] as? String == "dora")
            #expect(body["requests"] as? Int == 3)
            #expect((body["tokens_used"] as? Int ?? 0) > 0)
            #expect(body["cost"] is Double || body["cost"] is Int)
            let listing = try await client.execute(
                uri: "/admin/keys", method: .get, headers: ChatServiceHarness.bearer(ChatServiceHarness.adminKey))
            let keys = try #require(try listing.json()["keys"] as? [[String: Any]])
            #expect(keys.count == 2 && Set(keys.compactMap { $0["owner"] as? String }).count == 1)
        }
    }

    @Test(
        "a wrong password and an unknown user get the same 401; after 10 failures the username gets 429 with Retry-After, even with the right password"
    )
    func failedLoginsAreThrottled() async throws {
        // Failed logins are counted per fixed window aligned to the epoch. With the 60 s default
        // the eleven logins (bcrypt each, ~9 s on a loaded CI machine) crossed a window's end in
        // one run and the last one was let in. A day-long window, entered at least a minute before
        // its end, keeps every attempt of this test in one window.
        let day: Int64 = 86_400
        let intoDay = Int64(Date().timeIntervalSince1970) % day
        if intoDay > day - 60 { try await Task.sleep(for: .seconds(day - intoDay + 1)) }
        try await ChatServiceHarness.runWithKeys(configure: {
            $0.allowRegistration = true
            $0.limitWindow = .seconds(day)
        }) { harness, client in
            _ = try await Self.post(client, "/register", username: "eva", password: Self.password)
            let wrong = try await Self.post(client, "/login", username: "eva", password: "not-the-password")
            let unknown = try await Self.post(client, "/login", username: "nobody", password: "not-the-password")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(String(buffer: wrong.body) == String(buffer: unknown.body))
            for _ in 0..<9 {
                #expect(
                    try await Self.post(client, "/login", username: "eva", password: "guess-guess").status
                        == .unauthorized)
            }
            let throttled = try await Self.post(client, "/login", username: "eva", password: Self.password)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] != nil)
            let other = try await Self.post(client, "/login", username: "nobody2", password: "x-x-x-x-x")
            #expect(other.status == .unauthorized, "the count is per username")
            let counters = try await harness.reader.findDocuments(collection: "limits")
            #expect(counters.contains { $0.contains("login:eva:") })
            #expect(!counters.contains { $0.contains("guess-guess") || $0.contains("not-the-password") })
        }
    }

    @Test("/user/usage refuses a key the admin made (it belongs to no account) with 403")
    func adminMadeKeyHasNoAccount() async throws {
        try await Self.withAccounts { _, client in
            let (_, key) = try await ChatServiceHarness.createClientKey(client)
            let usage = try await client.execute(
                uri: "/user/usage", method: .get, headers: ChatServiceHarness.bearer(key))
            #expect(usage.status == .forbidden)
        }
    }

    @Test("without ALLOW_REGISTRATION the account routes do not exist")
    func registrationIsOffByDefault() async throws {
        try await ChatServiceHarness.runWithKeys { _, client in
            let response = try await Self.post(client, "/register", username: "fabio", password: Self.password)
            #expect(response.status == .notFound)
        }
    }
}
