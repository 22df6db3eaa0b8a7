import ChatService
import Foundation
import HTTPTypes
import HummingbirdTesting
import MongoDriver
import Persistence
import TestSupport
import Testing

/// The disk spool through the real application against a SecantusDB this suite kills and
/// restarts (its own server, never the shared one).
@Suite("Spool: chats survive a dead MongoDB", .serialized)
struct SpoolIntegrationTests {
    /// A URI that notices a dead server fast, so the tests spend little time waiting for timeouts.
    static func fastURI(_ server: MongoTestServer) -> String {
        server.uri + "/?serverSelectionTimeoutMS=500&connectTimeoutMS=500"
    }

    /// `/ready`'s status and parsed body.
    static func ready(_ client: any TestClientProtocol) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await client.execute(uri: "/ready", method: .get)
        return (response.status, try response.json())
    }

    static func spoolRecords(_ body: [String: Any]) -> Int? {
        (body["spool"] as? [String: Any])?["records"] as? Int
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(
        within timeout: Duration, _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    @Test(
        "with MongoDB killed, 200 chats are answered from the spool and replayed exactly once, in order, when it returns"
    )
    func twoHundredChatsSurviveAnOutage() async throws {
        let server = try MongoTestServer()
        try await server.start()
        try await ChatServiceHarness.run(configure: { $0.mongoURI = Self.fastURI(server) }) { harness, client in
            #expect(try await client.postChat(#"{"userId":"warm","prompt":"hi"}"#).status == .ok)
            server.kill()

            var ids: [String] = []
            for index in 0..<200 {
                let response = try await client.postChat(#"{"userId":"spooled","prompt":"prompt \#(index)"}"#)
                #expect(response.status == .ok, "chat \(index): \(response.status)")
                if let id = try response.json()["id"] as? String { ids.append(id) }
            }
            #expect(ids.count == 200)
            let (status, body) = try await Self.ready(client)
            #expect(status == .ok, "the spool can take writes, so the service is ready")
            #expect(body["mongo"] as? String == "down")
            #expect(Self.spoolRecords(body) == 200)
            let spool = try #require(body["spool"] as? [String: Any])
            #expect((spool["bytes"] as? Int ?? 0) > 0)
            #expect((spool["oldestAgeSeconds"] as? Double).map { $0 >= 0 } == true)

            try await server.start()
            let drained = try await Self.eventually(within: .seconds(20)) {
                let (_, body) = try await Self.ready(client)
                guard Self.spoolRecords(body) == 0 else { return false }
                return (try? await harness.reader.countDocuments(filterJSON: #"{"userId": "spooled"}"#)) == 200
            }
            #expect(drained, "the spool was not drained into MongoDB in time")

            // Exactly once, and in natural (insertion) order the documents follow requestedAt.
            // (No filter: a userId filter would be served by the {userId, timestamp} index, in its order.)
            let documents = try await harness.reader.findDocuments(sortJSON: #"{"$natural": 1}"#)
                .map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
                .filter { $0["userId"] as? String == "spooled" }
            #expect(documents.compactMap { $0["_id"] as? String } == ids)
            let requested = try documents.map { try ExtendedJSON.dateMilliseconds($0["requestedAt"]) }
            #expect(requested == requested.sorted())
            #expect(documents.map { $0["prompt"] as? String } == (0..<200).map { "prompt \($0)" })
            let (_, after) = try await Self.ready(client)
            #expect(after["mongo"] as? String == "up")
        }
        await server.stopAndRemoveData()
    }

    @Test("a client posting continuously while MongoDB is killed and restarted twice: every 2xx is stored exactly once")
    func killAndRestartUnderLoad() async throws {
        let server = try MongoTestServer()
        try await server.start()
        try await ChatServiceHarness.run(configure: { $0.mongoURI = Self.fastURI(server) }) { harness, client in
            // Four clients post back to back until the deadline while the database dies twice.
            let deadline = ContinuousClock.now + .seconds(7)
            let (ok, other) = try await withThrowingTaskGroup(of: (ok: [String], other: Int).self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        var ok: [String] = []
                        var other = 0
                        var index = 0
                        while ContinuousClock.now < deadline {
                            let response = try await client.postChat(
                                #"{"userId":"load","prompt":"w\#(worker) n\#(index)"}"#)
                            index += 1
                            if response.status == .ok, let id = try response.json()["id"] as? String {
                                ok.append(id)
                            } else {
                                other += 1
                            }
                        }
                        return (ok, other)
                    }
                }
                for _ in 0..<2 {
                    try await Task.sleep(for: .milliseconds(700))
                    server.kill()
                    try await Task.sleep(for: .milliseconds(700))
                    try await server.start()
                }
                var ok: [String] = []
                var other = 0
                for try await result in group {
                    ok += result.ok
                    other += result.other
                }
                return (ok, other)
            }
            #expect(other == 0, "every chat should be answered 2xx while the spool has room")
            #expect(ok.count > 50)
            #expect(Set(ok).count == ok.count)

            let settled = try await Self.eventually(within: .seconds(25)) {
                let (_, body) = try await Self.ready(client)
                guard Self.spoolRecords(body) == 0 else { return false }
                return (try? await harness.reader.countDocuments(filterJSON: #"{"userId": "load"}"#)) == ok.count
            }
            #expect(settled, "documents and 2xx answers did not match in time")
            let stored = try await harness.reader.findDocuments(filterJSON: #"{"userId": "load"}"#)
                .compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["_id"] as? String
                }
            #expect(stored.count == ok.count)
            #expect(Set(stored) == Set(ok))
        }
        await server.stopAndRemoveData()
    }

    @Test("with MongoDB down and the spool full, a chat gets 503 with Retry-After and no provider is called")
    func fullSpoolRefusesBeforeCallingAProvider() async throws {
        let refusing = try RefusingPort()
        try await ChatServiceHarness.run(configure: {
            $0.mongoURI = "mongodb://127.0.0.1:\(refusing.port)/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
            $0.spoolMaxBytes = 4096
        }) { harness, client in
            defer { withExtendedLifetime(refusing) {} }
            var accepted = 0
            var refused = false
            for index in 0..<40 where !refused {
                let response = try await client.postChat(#"{"userId":"u","prompt":"fill \#(index)"}"#)
                if response.status == .ok {
                    accepted += 1
                } else {
                    #expect(response.status == .serviceUnavailable)
                    refused = true
                }
            }
            #expect(refused && accepted > 0, "accepted \(accepted) before the spool was full")

            let providerCalls = harness.double.requests.count
            let response = try await client.postChat(#"{"userId":"u","prompt":"one more"}"#)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] != nil)
            let error = try #require(try response.json()["error"] as? [String: Any])
            #expect(error["code"] as? String == "storage_unavailable")
            #expect(
                harness.double.requests.count == providerCalls, "a provider was called although nothing could be stored"
            )

            let (status, body) = try await Self.ready(client)
            #expect(status == .serviceUnavailable)
            #expect(body["mongo"] as? String == "down")
            #expect(Self.spoolRecords(body) == accepted)
        }
    }
}
