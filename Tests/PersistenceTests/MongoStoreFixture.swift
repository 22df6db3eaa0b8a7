import Foundation
import Logging
import MongoDriver
import NIOPosix
import TestSupport

@testable import Persistence

/// Builds `InteractionStore`s against the shared test server, each on its own database, plus
/// sample interactions and a JSON helper for reading canonical extended JSON.
enum MongoStoreFixture {
    /// One started thread pool for all tests in the process (never shut down; dies with it).
    static var threadPool: NIOThreadPool { MongoDatabase.testThreadPool }

    static let logger = Logger(label: "persistence-tests")

    /// A store on a fresh database of the shared server (or of `uri`).
    static func makeStore(uri: String? = nil) async throws -> InteractionStore {
        let resolvedURI: String
        if let uri { resolvedURI = uri } else { resolvedURI = try await MongoTestServer.sharedURI() }
        return InteractionStore(
            database: try MongoDatabase.forTesting(uri: resolvedURI, name: MongoTestServer.uniqueDatabaseName()),
            logger: logger)
    }

    /// A /v1/chat interaction with no optional fields set.
    static func minimalInteraction(id: String = InteractionID.generate()) -> Interaction {
        Interaction(
            id: id, userId: "12345", route: "/v1/chat", prompt: "hi", response: "hello", status: .ok,
            provider: "ollama", model: "llama3.2",
            requestedAt: Date(timeIntervalSince1970: 1_781_000_000.000),
            timestamp: Date(timeIntervalSince1970: 1_781_000_000.412),
            latencyMs: 412,
            attempts: [InteractionAttempt(provider: "ollama", model: "llama3.2", status: .http(200), latencyMs: 410)],
            fallback: false, usage: InteractionUsage(promptTokens: 8, completionTokens: 12, totalTokens: 20),
            stream: false, requestId: "req-1")
    }

    /// A failed chat-completions interaction with every optional field set.
    static func fullInteraction(id: String = InteractionID.generate()) -> Interaction {
        Interaction(
            id: id, userId: "u-9", route: "/v1/chat/completions", prompt: "last",
            messages: [
                InteractionMessage(role: "system", content: "be brief"),
                InteractionMessage(role: "user", content: "last"),
            ],
            response: "", status: .error,
            error: InteractionError(code: "providers_failed", message: "every provider failed"),
            provider: "gemini", model: "gemini-2.0-flash",
            requestedAt: Date(timeIntervalSince1970: 1_781_000_000.123),
            timestamp: Date(timeIntervalSince1970: 1_781_000_001.456),
            latencyMs: 1333,
            attempts: [
                InteractionAttempt(
                    provider: "ollama", model: "llama3.2", status: .transport("timeout"),
                    error: "timed out after 60000 ms", latencyMs: 60000),
                InteractionAttempt(
                    provider: "gemini", model: "gemini-2.0-flash", status: .http(503),
                    error: "UNAVAILABLE", latencyMs: 120),
            ],
            fallback: true,
            usage: InteractionUsage(promptTokens: 3, completionTokens: 0, totalTokens: 3, estimated: true),
            stream: true, apiKeyId: "key-1", requestId: "req-2")
    }

    /// Parses one canonical extended JSON document into Foundation values.
    static func object(_ json: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            throw FixtureError.notAnObject(json)
        }
        return object
    }

    enum FixtureError: Error {
        case notAnObject(String)
    }
}

extension InteractionStore {
    /// Ships one interaction the way the write-ahead log's shipper does (an ordered, journaled
    /// insert of its SPEC §4 BSON), throwing what stopped it.
    func record(_ interaction: Interaction) async throws(PersistenceError) {
        let outcome = await replay([try InteractionSpool.payload(of: interaction)])
        if let rejected = outcome.rejected { throw rejected.error }
        if let error = outcome.stoppedBy { throw error }
    }
}
