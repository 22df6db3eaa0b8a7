import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A scriptable stand-in for Gemini, Ollama and an OpenAI-compatible server, speaking their wire
/// formats as protocols.md describes them, on a real socket.
///
/// It exists because no real provider is reachable in tests, and because only a real HTTP server
/// exercises the transport (timeouts, dropped connections, truncated bodies). By default every
/// generation request gets a deterministic answer, `"Echo: <last user message>"`, with word-count
/// usage; `script(_:)` queues behaviours (errors, delays, drops, …) that requests consume in order.
/// Every request is recorded. A raw SwiftNIO HTTP/1.1 server keeps it fast enough to serve as an
/// instant upstream in benchmarks.
public final class ProviderDouble: Sendable {
    /// What the double accepts; the defaults accept any key and any model.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 = an ephemeral port.
        public var port: Int
        /// When set, a Gemini request with a different key gets 400 `API_KEY_INVALID`. A missing
        /// key always gets 403 `PERMISSION_DENIED`.
        public var geminiAPIKey: String?
        /// When `true`, models not listed below get the provider's 404.
        public var restrictsModels: Bool
        public var geminiModels: [String]
        public var ollamaModels: [String]
        public var openAIModels: [String]
        /// Listed by `GET /v1beta/models` with only `embedContent` (a client must filter them out).
        public var geminiEmbeddingModels: [String]
        /// The most models one `GET /v1beta/models` page holds, whatever `pageSize` asks; `nil` =
        /// Gemini's own rule (`pageSize`, default 50, at most 1000).
        public var geminiModelsPageSize: Int?
        /// Whether requests are kept for `requests`; turn off for long benchmark runs.
        public var recordsRequests: Bool
        /// Whether `/_double/script`, `/_double/requests` and `/_double/reset` are served.
        public var servesControlAPI: Bool

        public init(
            host: String = "127.0.0.1",
            port: Int = 0,
            geminiAPIKey: String? = nil,
            restrictsModels: Bool = false,
            geminiModels: [String] = ["gemini-2.0-flash", "gemini-2.5-flash"],
            ollamaModels: [String] = ["llama3.2"],
            openAIModels: [String] = ["gpt-4o-mini"],
            geminiEmbeddingModels: [String] = [],
            geminiModelsPageSize: Int? = nil,
            recordsRequests: Bool = true,
            servesControlAPI: Bool = true
        ) {
            self.host = host
            self.port = port
            self.geminiAPIKey = geminiAPIKey
            self.restrictsModels = restrictsModels
            self.geminiModels = geminiModels
            self.ollamaModels = ollamaModels
            self.openAIModels = openAIModels
            self.geminiEmbeddingModels = geminiEmbeddingModels
            self.geminiModelsPageSize = geminiModelsPageSize
            self.recordsRequests = recordsRequests
            self.servesControlAPI = servesControlAPI
        }
    }

    private struct State {
        var script: [ProviderDoubleBehaviour] = []
        var requests: [ProviderDoubleRequest] = []
        var exchanges: [ProviderDoubleExchange] = []
    }

    public let configuration: Configuration
    /// The port actually bound.
    public let port: Int
    private let channel: any Channel
    private let state: Mutex<State>
    private let responder: ProviderDoubleResponder
    /// Ollama's simulated model memory: what `/api/ps` lists, loads, unloads and the most heavy
    /// models resident at once.
    public let ollamaResidency: OllamaResidencySimulator

    /// `http://127.0.0.1:<port>`, without a trailing slash; use it as every provider's base URL.
    public var baseURL: String { "http://\(configuration.host):\(port)" }

    private init(configuration: Configuration, channel: any Channel, port: Int) {
        self.configuration = configuration
        self.channel = channel
        self.port = port
        self.state = Mutex(State())
        let residency = OllamaResidencySimulator()
        self.ollamaResidency = residency
        self.responder = ProviderDoubleResponder(configuration: configuration, ollamaResidency: residency)
    }

    /// Binds and starts serving.
    public static func start(
        configuration: Configuration = Configuration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> ProviderDouble {
        // The handler needs the double and the double needs the bound channel: a box set once,
        // before the first connection can be accepted by a handler that reads it.
        let doubleBox = ProviderDoubleReference()
        let channel = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ProviderDoubleHTTPHandler(double: doubleBox))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw ProviderDoubleError.notBound
        }
        let double = ProviderDouble(configuration: configuration, channel: channel, port: port)
        doubleBox.set(double)
        return double
    }

    /// Stops accepting connections and closes the listening socket.
    public func shutdown() async throws {
        try await channel.close()
    }

    // MARK: Scripting

    /// Appends behaviours to the queue; each generation request consumes the first one whose
    /// `route` matches (or is `nil`). With the queue empty, requests get the default answer.
    public func script(_ behaviours: [ProviderDoubleBehaviour]) {
        state.withLock { $0.script.append(contentsOf: behaviours) }
    }

    /// Appends behaviours that only requests of `route` consume.
    public func script(_ behaviours: [ProviderDoubleBehaviour], for route: ProviderDoubleRoute) {
        script(behaviours.map { $0.on(route) })
    }

    /// Behaviours not yet consumed.
    public var pendingBehaviours: [ProviderDoubleBehaviour] {
        state.withLock { $0.script }
    }

    /// Every request received so far, oldest first (control-API requests excluded).
    public var requests: [ProviderDoubleRequest] {
        state.withLock { $0.requests }
    }

    /// The generation requests of one protocol.
    public func requests(for route: ProviderDoubleRoute) -> [ProviderDoubleRequest] {
        requests.filter { $0.route == route }
    }

    /// How each generation request's answer went on the wire, oldest first (chunks written,
    /// completed, closed early by the client).
    public var exchanges: [ProviderDoubleExchange] {
        state.withLock { $0.exchanges }
    }

    /// Waits until `condition` holds for the exchanges (or `timeout` passes) and returns them;
    /// the connection handler reports a client's hang-up asynchronously.
    public func exchanges(
        waitingUpTo timeout: Duration,
        until condition: ([ProviderDoubleExchange]) -> Bool
    ) async -> [ProviderDoubleExchange] {
        await Self.poll(upTo: timeout, until: condition) { self.exchanges }
    }

    /// Waits until `condition` holds for the recorded requests (or `timeout` passes) and returns
    /// them, so a test can act once a request has reached the double instead of sleeping.
    public func requests(
        waitingUpTo timeout: Duration,
        until condition: ([ProviderDoubleRequest]) -> Bool
    ) async -> [ProviderDoubleRequest] {
        await Self.poll(upTo: timeout, until: condition) { self.requests }
    }

    private static func poll<Value>(
        upTo timeout: Duration, until condition: (Value) -> Bool, reading read: () -> Value
    ) async -> Value {
        let deadline = ContinuousClock.now + timeout
        while true {
            let current = read()
            if condition(current) || ContinuousClock.now >= deadline { return current }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Records wire progress of the exchange `id` (called by the connection handler).
    func updateExchange(_ id: Int, _ update: (inout ProviderDoubleExchange) -> Void) {
        state.withLock { state in
            guard state.exchanges.indices.contains(id) else { return }
            update(&state.exchanges[id])
        }
    }

    /// Forgets the script and the recorded requests.
    public func reset() {
        state.withLock { $0 = State() }
    }

    // MARK: Serving

    /// Records `request`, consumes a behaviour if it is a generation request, and says what to send.
    func reply(to request: ProviderDoubleRequest, method: HTTPMethod, query: [String: String]) -> ProviderDoubleReply {
        // The sample images live under `/_double/` too, but they are served (and recorded) like
        // any upstream resource, not answered as control routes.
        if configuration.servesControlAPI, request.path.hasPrefix("/_double/"),
            Self.sampleImageReply(method: method, path: request.path) == nil
        {
            return controlReply(to: request, method: method)
        }
        let route = ProviderDoubleResponder.route(method: method, path: request.path)
        let behaviour: ProviderDoubleBehaviour? = state.withLock { state in
            if configuration.recordsRequests { state.requests.append(request) }
            guard let route, let index = state.script.firstIndex(where: { $0.route == nil || $0.route == route }) else {
                return nil
            }
            return state.script.remove(at: index)
        }
        if method == .POST, request.path == "/api/show" {
            return responder.ollamaShow(request)
        }
        if let image = Self.sampleImageReply(method: method, path: request.path) {
            return image
        }
        if let route {
            var reply =
                responder.featureReply(route: route, request: request, query: query, behaviour: behaviour)
                ?? responder.generation(route: route, request: request, query: query, behaviour: behaviour)
            if configuration.recordsRequests {
                let exchange = ProviderDoubleExchange(route: route, uri: request.uri, totalChunks: reply.chunks.count)
                reply.exchangeID = state.withLock { state in
                    state.exchanges.append(exchange)
                    return state.exchanges.count - 1
                }
            }
            return reply
        }
        if let listing = responder.listing(method: method, path: request.path, query: query) {
            return listing
        }
        return .body(.notFound, contentType: "text/plain", "404 page not found")
    }

    private func controlReply(to request: ProviderDoubleRequest, method: HTTPMethod) -> ProviderDoubleReply {
        switch (method, request.path) {
        case (.POST, "/_double/script"):
            guard
                let behaviours = try? JSONDecoder().decode(
                    [ProviderDoubleBehaviour].self, from: Data(request.body.utf8))
            else {
                return .json(.badRequest, ["error": "expected a JSON list of behaviours"])
            }
            script(behaviours)
            return .json(.ok, ["queued": pendingBehaviours.count])
        case (.GET, "/_double/requests"):
            let data = (try? JSONEncoder().encode(requests)) ?? Data("[]".utf8)
            return .body(.ok, contentType: "application/json", String(decoding: data, as: UTF8.self))
        case (.GET, "/_double/exchanges"):
            let data = (try? JSONEncoder().encode(exchanges)) ?? Data("[]".utf8)
            return .body(.ok, contentType: "application/json", String(decoding: data, as: UTF8.self))
        case (.POST, "/_double/reset"):
            reset()
            return .json(.ok, ["reset": true])
        default:
            return .json(.notFound, ["error": "unknown control route \(method) \(request.path)"])
        }
    }
}
