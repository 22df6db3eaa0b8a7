import Foundation

extension MongoTestServer {
    /// One server for the whole test process, started on first use.
    private static let sharedServer = Task<String, any Error> {
        if let configured = ProcessInfo.processInfo.environment["CHAT_TEST_MONGODB_URI"], !configured.isEmpty {
            return configured
        }
        let server = try MongoTestServer()
        try await server.start()
        // Never stopped explicitly: MongoTestProcessRegistry's atexit handler kills it.
        return server.uri
    }

    /// The URI of the shared test server: `$CHAT_TEST_MONGODB_URI` when set, otherwise a
    /// SecantusDB started once for this test process (killed when the process exits).
    /// Tests sharing it must each use their own database (`uniqueDatabaseName()`).
    public static func sharedURI() async throws -> String {
        try await sharedServer.value
    }

    /// A database name no other test in this run uses: `test_<16 hex digits>`.
    public static func uniqueDatabaseName(prefix: String = "test") -> String {
        "\(prefix)_\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    }
}
