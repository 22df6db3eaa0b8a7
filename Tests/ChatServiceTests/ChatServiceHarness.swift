import ChatService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MongoDriver
import NIOCore
import NIOFoundationCompat
import NIOPosix
import Persistence
import Providers
import TestSupport
import Testing

/// Starts the real application (built by `buildApplication`, as the executable does) against a
/// real SecantusDB (a fresh database per test) and an in-process provider double, and reads the
/// stored documents back through a separate MongoDB connection.
struct ChatServiceHarness {
    let double: ProviderDouble
    let configuration: ServiceConfiguration
    /// A separate connection to the test's database, for reading what the service stored.
    let reader: MongoDatabase
    /// The providers' clock; a test moves it forward to make a provider timeout pass at once.
    let clock: AdjustableClock
    /// The chain's backoff delays, recorded instead of waited out.
    let backoffs: SleepRecorder

    /// Runs `body` with a live service whose providers all point at one double.
    /// `configure` may change anything (e.g. point the primary at a closed port).
    static func run(
        providers: [ProviderName] = [.ollama],
        configure: (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (ChatServiceHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        let double = try await ProviderDouble.start()
        var configuration = ServiceConfiguration(
            mongoURI: try await MongoTestServer.sharedURI(),
            mongoDatabase: MongoTestServer.uniqueDatabaseName(prefix: "chat"),
            providers: providers,
            gemini: .init(apiKey: "test-key", baseURL: double.baseURL, model: "gemini-2.0-flash"),
            ollama: .init(baseURL: double.baseURL, model: "llama3.2"),
            retry: .init(maxAttempts: 3, baseDelay: .milliseconds(20), maxDelay: .milliseconds(2000)),
            providerTimeout: .seconds(5),
            requestTimeout: .seconds(20),
            logLevel: .warning)
        // Every test spools to its own temporary directory (deleted afterwards), never ./data/spool.
        let spoolDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("chat-spool-\(UInt64.random(in: 0...UInt64.max))").path
        configuration.spoolDirectory = spoolDirectory
        defer { try? FileManager.default.removeItem(atPath: spoolDirectory) }
        // Tests read the document back right after the answer: the read-your-write mode. Tests of
        // the other modes set it themselves.
        configuration.durability = .mongo
        configure(&configuration)
        let reader = try MongoDatabase.forTesting(uri: configuration.mongoURI, name: configuration.mongoDatabase)
        let harness = ChatServiceHarness(
            double: double, configuration: configuration, reader: reader, clock: AdjustableClock(),
            backoffs: SleepRecorder())
        do {
            let app = try await buildApplication(
                configuration: configuration, providerClock: ProviderClock(harness.clock),
                retrySleep: harness.backoffs.sleep)
            try await app.test(.router) { client in
                try await body(harness, client)
            }
        } catch {
            try? await double.shutdown()
            throw error
        }
        try await double.shutdown()
    }

    /// The stored interaction with `id`, as a JSON object in canonical extended JSON.
    func storedDocument(id: String) async throws -> [String: Any] {
        let documents = try await reader.findDocuments(filterJSON: #"{"_id": "\#(id)"}"#)
        try #require(documents.count == 1, "expected exactly one document with _id \(id), found \(documents.count)")
        return try #require(JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
    }

    /// How many interactions the test's database holds.
    func storedCount() async throws -> Int {
        try await reader.countDocuments()
    }
}

extension TestClientProtocol {
    /// POSTs `body` to `/v1/chat` and returns the response.
    func postChat(_ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await execute(uri: "/v1/chat", method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
    }
}

/// Reading canonical extended JSON values with their BSON types checked.
enum ExtendedJSON {
    /// The value of an int32 (`{"$numberInt": "12"}`); fails the test for any other type.
    static func int32(_ value: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int32 {
        let wrapped = try #require(
            value as? [String: Any], "not a BSON int32: \(String(describing: value))", sourceLocation: sourceLocation)
        let text = try #require(
            wrapped["$numberInt"] as? String, "not a BSON int32: \(wrapped)", sourceLocation: sourceLocation)
        return try #require(Int32(text), sourceLocation: sourceLocation)
    }

    /// The milliseconds since 1970 of a BSON date (`{"$date": {"$numberLong": "…"}}`).
    static func dateMilliseconds(_ value: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int64 {
        let wrapped = try #require(
            value as? [String: Any], "not a BSON date: \(String(describing: value))", sourceLocation: sourceLocation)
        let date = try #require(
            wrapped["$date"] as? [String: Any], "not a BSON date: \(wrapped)", sourceLocation: sourceLocation)
        let text = try #require(date["$numberLong"] as? String, sourceLocation: sourceLocation)
        return try #require(Int64(text), sourceLocation: sourceLocation)
    }

    /// An ISO 8601 timestamp with milliseconds (`2026-06-15T14:32:00.123Z`) as milliseconds since 1970.
    static func milliseconds(iso8601 text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }
}
