import Foundation
import MongoDriver
import NIOPosix
import TestSupport
import Testing

@testable import Persistence

@Suite("InteractionStore against SecantusDB")
struct InteractionStoreTests {
    @Test("a stored interaction keeps every SPEC §4 field with BSON dates and int32 counts")
    func roundTripFullDocument() async throws {
        let store = try await MongoStoreFixture.makeStore()
        let interaction = MongoStoreFixture.fullInteraction()
        try await store.record(interaction)

        let found = try await store.database.findDocuments(filterJSON: #"{"_id": "\#(interaction.id)"}"#)
        #expect(found.count == 1)
        let document = try MongoStoreFixture.object(try #require(found.first))
        func int32(_ value: Int) -> [String: String] { ["$numberInt": String(value)] }
        func date(_ ms: Int64) -> [String: [String: String]] { ["$date": ["$numberLong": String(ms)]] }

        #expect(document["_id"] as? String == interaction.id)
        #expect(document["userId"] as? String == "u-9")
        #expect(document["route"] as? String == "/v1/chat/completions")
        #expect(document["prompt"] as? String == "last")
        let messages = try #require(document["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "be brief"], ["role": "user", "content": "last"]])
        #expect(document["response"] as? String == "")
        #expect(document["status"] as? String == "error")
        #expect(
            document["error"] as? [String: String]
                == ["code": "providers_failed", "message": "every provider failed"])
        #expect(document["provider"] as? String == "gemini")
        #expect(document["model"] as? String == "gemini-2.0-flash")
        #expect(document["requestedAt"] as? [String: [String: String]] == date(1_781_000_000_123))
        #expect(document["timestamp"] as? [String: [String: String]] == date(1_781_000_001_456))
        #expect(document["latencyMs"] as? [String: String] == int32(1333))
        let attempts = try #require(document["attempts"] as? [[String: Any]])
        #expect(attempts.count == 2)
        #expect(attempts[0]["status"] as? String == "timeout")
        #expect(attempts[0]["error"] as? String == "timed out after 60000 ms")
        #expect(attempts[0]["latencyMs"] as? [String: String] == int32(60000))
        #expect(attempts[1]["status"] as? [String: String] == int32(503))
        #expect(attempts[1]["provider"] as? String == "gemini")
        #expect(attempts[1]["model"] as? String == "gemini-2.0-flash")
        #expect(document["fallback"] as? Bool == true)
        let usage = try #require(document["usage"] as? [String: Any])
        #expect(usage["promptTokens"] as? [String: String] == int32(3))
        #expect(usage["completionTokens"] as? [String: String] == int32(0))
        #expect(usage["totalTokens"] as? [String: String] == int32(3))
        #expect(usage["estimated"] as? Bool == true)
        #expect(document["stream"] as? Bool == true)
        #expect(document["apiKeyId"] as? String == "key-1")
        #expect(document["requestId"] as? String == "req-2")
        #expect(document.count == 19)
    }

    @Test("optional fields are omitted, not stored as null")
    func optionalFieldsOmitted() async throws {
        let store = try await MongoStoreFixture.makeStore()
        let interaction = MongoStoreFixture.minimalInteraction()
        try await store.record(interaction)

        let found = try await store.database.findDocuments(filterJSON: #"{"_id": "\#(interaction.id)"}"#)
        let document = try MongoStoreFixture.object(try #require(found.first))
        #expect(
            Set(document.keys) == [
                "_id", "userId", "route", "prompt", "response", "status", "provider", "model", "requestedAt",
                "timestamp", "latencyMs", "attempts", "fallback", "usage", "stream", "requestId",
            ])
        let attempt = try #require((document["attempts"] as? [[String: Any]])?.first)
        #expect(Set(attempt.keys) == ["provider", "model", "status", "latencyMs"])
        #expect(attempt["status"] as? [String: String] == ["$numberInt": "200"])
        let usage = try #require(document["usage"] as? [String: Any])
        #expect(Set(usage.keys) == ["promptTokens", "completionTokens", "totalTokens"])
    }

    @Test("createIndexes creates the four SPEC indexes and can run twice")
    func indexes() async throws {
        let store = try await MongoStoreFixture.makeStore()
        try await store.createIndexes()
        try await store.createIndexes()

        let indexes = try await store.database.listIndexes().map(MongoStoreFixture.object)
        let keysByName = Dictionary(
            uniqueKeysWithValues: indexes.compactMap { index -> (String, String)? in
                guard let name = index["name"] as? String, let key = index["key"] else { return nil }
                let data = try? JSONSerialization.data(withJSONObject: key, options: [.sortedKeys])
                return (name, data.map { String(decoding: $0, as: UTF8.self) } ?? "")
            })
        #expect(Set(keysByName.keys).isSuperset(of: InteractionStore.indexes.map(\.name)))
        let raw = try await store.database.listIndexes().joined(separator: "\n")
        #expect(raw.contains(#""key" : { "userId" : { "$numberInt" : "1" }, "timestamp" : { "$numberInt" : "-1" } }"#))
        #expect(raw.contains(#""key" : { "timestamp" : { "$numberInt" : "-1" } }"#))
        #expect(raw.contains(#""key" : { "model" : { "$numberInt" : "1" }, "timestamp" : { "$numberInt" : "-1" } }"#))
        #expect(raw.contains(#""key" : { "status" : { "$numberInt" : "1" }, "timestamp" : { "$numberInt" : "-1" } }"#))
    }

    @Test("shipping an id that is already stored counts it as stored and keeps one document")
    func duplicateIsAlreadyStored() async throws {
        let store = try await MongoStoreFixture.makeStore()
        let interaction = MongoStoreFixture.minimalInteraction()
        try await store.record(interaction)
        try await store.record(interaction)
        #expect(try await store.database.countDocuments() == 1)
    }

    @Test("ping answers true while the database is up")
    func pingUp() async throws {
        let store = try await MongoStoreFixture.makeStore()
        // Generous: a whole parallel run on two cores can keep SecantusDB (Python) busy for
        // seconds; what matters is the answer, and "down" has its own bounded test.
        #expect(await store.ping(timeout: .seconds(10)))
    }
}

@Suite("InteractionStore edge cases")
struct InteractionStoreEdgeCaseTests {
    @Test("an interaction over 16 MiB is refused before it reaches the log, with invalidDocument")
    func oversizedDocument() async throws {
        var huge = MongoStoreFixture.minimalInteraction()
        huge.prompt = String(repeating: "x", count: 17 * 1024 * 1024)
        #expect(
            throws: PersistenceError(
                code: .invalidDocument, message: "interaction \(huge.id) is larger than MongoDB's 16 MiB document limit"
            )
        ) {
            _ = try InteractionSpool.payload(of: huge)
        }
        #expect(try InteractionSpool.payload(of: MongoStoreFixture.minimalInteraction()).count < 1024)
    }

    @Test("many concurrent pings all get an answer, up or down")
    func concurrentPings() async throws {
        let up = try await MongoStoreFixture.makeStore()
        let down = try await MongoStoreFixture.makeStore(uri: try MongoTestServer().uri)
        async let upAnswers = withTaskGroup(of: Bool.self) { group in
            // Generous: the point is that none is lost or refused, and a full parallel test run
            // on two cores can keep SecantusDB busy for seconds.
            for _ in 0..<20 { group.addTask { await up.ping(timeout: .seconds(10)) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        async let downAnswers = withTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 { group.addTask { await down.ping(timeout: .milliseconds(300)) } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(await upAnswers == Array(repeating: true, count: 20))
        #expect(await downAnswers == Array(repeating: false, count: 20))
    }
}
