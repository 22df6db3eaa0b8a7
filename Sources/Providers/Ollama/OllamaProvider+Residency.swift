import Foundation
import Logging
import NIOCore
import NIOFoundationCompat

/// One model as `/api/tags` (installed) or `/api/ps` (loaded right now) lists it.
public struct OllamaListedModel: Sendable, Equatable {
    /// As Ollama names it, tag included (`llama3.2:latest`).
    public var name: String
    /// Bytes on disk (`/api/tags`) or in memory (`/api/ps`).
    public var size: Int64

    public init(name: String, size: Int64) {
        self.name = name
        self.size = size
    }
}

// What model residency needs from one Ollama server (protocols.md §2.5): which models are loaded,
// which are installed, and loading or unloading one with an empty generate request.
extension OllamaProvider {
    private struct ListingBody: Decodable {
        struct Model: Decodable {
            var name: String?
            var model: String?
            var size: Int64?
        }
        var models: [Model]?
    }

    /// `GET /api/ps`: the models loaded right now.
    public func runningModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [OllamaListedModel] {
        try Self.listed(try await nativeListing("/api/ps", timeout: timeout, logger: logger), path: "/api/ps")
    }

    /// `GET /api/tags`: the models installed.
    public func installedModels(
        timeout: Duration, logger: Logger
    ) async throws(ProviderError)
        -> [OllamaListedModel]
    {
        try Self.listed(try await nativeListing("/api/tags", timeout: timeout, logger: logger), path: "/api/tags")
    }

    /// Loads `model` with an empty generate request carrying `keepAlive` (`nil`: Ollama's
    /// default); returns once Ollama answers (`done_reason: "load"`), which it does when the model
    /// is resident.
    public func load(
        model: String, keepAlive: JSONValue?, timeout: Duration, logger: Logger
    )
        async throws(ProviderError)
    {
        var members: [JSONValue.Member] = [.init("model", .string(model)), .init("stream", .bool(false))]
        if let keepAlive { members.append(.init("keep_alive", keepAlive)) }
        _ = try await native(.generate, body: .object(members), model: model, timeout: timeout, logger: logger)
    }

    /// Asks Ollama to unload `model` (`keep_alive: 0`). Ollama answers at once and frees the
    /// memory afterwards: wait until `runningModels` no longer lists it.
    public func unload(model: String, timeout: Duration, logger: Logger) async throws(ProviderError) {
        try await load(model: model, keepAlive: .integer(0), timeout: timeout, logger: logger)
    }

    private static func listed(_ body: ByteBuffer, path: String) throws(ProviderError) -> [OllamaListedModel] {
        let decoded = try WireJSON.decode(
            ListingBody.self, from: body, orFailWith: "Ollama answered \(path) with a body that is not a model list")
        return (decoded.models ?? []).compactMap { model in
            guard let name = model.name ?? model.model else { return nil }
            return OllamaListedModel(name: name, size: model.size ?? 0)
        }
    }
}
