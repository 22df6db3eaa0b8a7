import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// The one place that sends a provider's HTTP request, so every provider gets the same timeout,
/// body-size cap, status check, error mapping and per-attempt log line.
///
/// The `HTTPClient` is shared (it owns the connection pool) and is never shut down here.
struct ProviderHTTPTransport: Sendable {
    /// Reads a provider's non-2xx answer (status, headers, body) into the error the chain sees.
    typealias ErrorForStatus = @Sendable (HTTPResponseStatus, HTTPHeaders, ByteBuffer) -> ProviderError

    /// A complete, buffered HTTP response.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    /// Responses larger than this are refused as `.invalidResponse`; no sane completion is that big.
    static let defaultMaxResponseBytes = 16 * 1024 * 1024

    let httpClient: HTTPClient
    let provider: ProviderName
    /// Times every attempt and stream; tests put in one they move forward themselves.
    let clock: ProviderClock
    /// How this provider words a refusal (`google.rpc.Status`, `{"error": …}`, …).
    let errorForStatus: ErrorForStatus
    var maxResponseBytes: Int = Self.defaultMaxResponseBytes

    /// POSTs `body` as JSON and hands a 2xx answer's body to `decode`; any other status is thrown
    /// as `errorForStatus` reads it.
    ///
    /// `timeout` bounds everything from asking the pool for a connection to the last body byte.
    func post<Answer>(
        url: String,
        headers: HTTPHeaders,
        body: some Encodable,
        model: String,
        timeout: Duration,
        logger: Logger,
        decode: (ByteBuffer) throws(ProviderError) -> Answer
    ) async throws(ProviderError) -> Answer {
        try await post(
            url: url, headers: headers, json: try WireJSON.encode(body, for: provider), model: model, timeout: timeout,
            logger: logger, decode: decode)
    }

    /// `post(url:headers:body:…)` for a body already written as JSON (a provider that writes its
    /// own, see `JSONWriter`).
    func post<Answer>(
        url: String,
        headers: HTTPHeaders,
        json body: ByteBuffer,
        model: String,
        timeout: Duration,
        logger: Logger,
        decode: (ByteBuffer) throws(ProviderError) -> Answer
    ) async throws(ProviderError) -> Answer {
        let response = try await send(
            method: .POST, url: url, headers: headers, body: body, model: model, timeout: timeout, logger: logger)
        return try checked(response, decode: decode)
    }

    /// GETs `url` (a model listing) with the same timeout, status check and error mapping as `post`.
    func get<Answer>(
        url: String,
        headers: HTTPHeaders,
        timeout: Duration,
        logger: Logger,
        decode: (ByteBuffer) throws(ProviderError) -> Answer
    ) async throws(ProviderError) -> Answer {
        let response = try await send(
            method: .GET, url: url, headers: headers, body: nil, model: "-", timeout: timeout, logger: logger)
        return try checked(response, decode: decode)
    }

    private func checked<Answer>(
        _ response: Response, decode: (ByteBuffer) throws(ProviderError) -> Answer
    ) throws(ProviderError) -> Answer {
        guard (200..<300).contains(response.status.code) else {
            throw errorForStatus(response.status, response.headers, response.body)
        }
        return try decode(response.body)
    }

    /// Sends the request and returns the whole response, whatever its status. Throws only
    /// transport failures (`.connect`, `.timeout`, `.cancelled`, `.invalidResponse` for an
    /// oversized body).
    private func send(
        method: HTTPMethod,
        url: String,
        headers: HTTPHeaders,
        body: ByteBuffer?,
        model: String,
        timeout: Duration,
        logger: Logger
    ) async throws(ProviderError) -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        if let body {
            request.headers.replaceOrAdd(name: "content-type", value: "application/json")
            request.body = .bytes(body)
        }
        request.headers.replaceOrAdd(name: "accept", value: "application/json")

        let started = clock.now
        var metadata: Logger.Metadata = ["provider": "\(provider)", "model": "\(model)"]
        do {
            let response = try await execute(request, timeout: timeout, until: started + timeout)
            metadata["status"] = "\(response.status.code)"
            metadata["latency_ms"] = "\((clock.now - started).milliseconds)"
            logger.debug("provider attempt finished", metadata: metadata)
            return response
        } catch {
            throw logFailure(
                error, timeout: timeout, since: started, metadata: metadata, "provider attempt failed", logger)
        }
    }

    /// Maps a transport failure to the `ProviderError` the chain sees and logs it with its
    /// status label, message and latency.
    func logFailure(
        _ error: any Error,
        timeout: Duration,
        since started: ContinuousClock.Instant,
        metadata: Logger.Metadata,
        _ message: Logger.Message,
        _ logger: Logger
    ) -> ProviderError {
        let mapped = Self.map(error, timeout: timeout)
        var metadata = metadata
        metadata["status"] = "\(mapped.kind.statusLabel)"
        metadata["error"] = "\(mapped.message)"
        metadata["latency_ms"] = "\((clock.now - started).milliseconds)"
        logger.debug(message, metadata: metadata)
        return mapped
    }

    /// Thrown by `run(_:until:on:)` when the attempt's time is up.
    struct AttemptTimedOut: Error {}

    /// Runs the request and reads the body, racing both against `deadline` on `clock`.
    ///
    /// AsyncHTTPClient's deadline only covers the response head (and runs on real time), so the
    /// body read is raced against a timer here to make `timeout` truly "connect to last byte".
    private func execute(
        _ request: HTTPClientRequest, timeout: Duration, until deadline: ContinuousClock.Instant
    ) async throws -> Response {
        let (httpClient, maxResponseBytes) = (self.httpClient, self.maxResponseBytes)
        return try await Self.run(until: deadline, on: clock) {
            let response = try await httpClient.execute(request, deadline: .now() + TimeAmount(timeout))
            let body = try await response.body.collect(upTo: maxResponseBytes)
            return Response(status: response.status, headers: response.headers, body: body)
        }
    }

    /// Runs `operation`, cancelling it and throwing `AttemptTimedOut` if `deadline` on `clock`
    /// comes first.
    static func run<Value: Sendable>(
        until deadline: ContinuousClock.Instant,
        on clock: ProviderClock,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await clock.sleep(until: deadline)
                return nil
            }
            defer { group.cancelAll() }
            // Two child tasks were added, so `next()` yields a value (or throws) at least once.
            guard let first = try await group.next(), let value = first else {
                throw AttemptTimedOut()
            }
            return value
        }
    }
}
