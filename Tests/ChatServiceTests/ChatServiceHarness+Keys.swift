import ChatService
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Providers
import Testing

/// API keys for tests of the service with keys on: the admin key opens admin routes only
/// (SPEC §3.3), so a test of a client route runs with a client key created through the admin API.
extension ChatServiceHarness {
    /// The `ADMIN_API_KEY` of `runWithKeys`.
    static let adminKey = "admin-key-for-tests-0123456789"

    /// `run` with `ADMIN_API_KEY` set to `adminKey` (plus whatever `configure` changes).
    static func runWithKeys(
        providers: [ProviderName] = [.ollama],
        configure: (inout ServiceConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (ChatServiceHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await run(
            providers: providers,
            configure: {
                $0.adminAPIKey = adminKey
                configure(&$0)
            }, body)
    }

    /// `Authorization: Bearer KEY`.
    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    /// Creates a client key with `POST /admin/keys` (as the admin) and returns its id and the key.
    static func createClientKey(
        _ client: any TestClientProtocol, name: String = "client",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (id: String, key: String) {
        var headers = bearer(adminKey)
        headers[.contentType] = "application/json"
        let response = try await client.execute(
            uri: "/admin/keys", method: .post, headers: headers,
            body: ByteBuffer(string: #"{"name": "\#(name)", "email": "\#(name)@example.com"}"#))
        #expect(response.status == .created, sourceLocation: sourceLocation)
        let body = try response.json()
        return (
            try #require(body["id"] as? String, sourceLocation: sourceLocation),
            try #require(body["key"] as? String, sourceLocation: sourceLocation)
        )
    }
}
