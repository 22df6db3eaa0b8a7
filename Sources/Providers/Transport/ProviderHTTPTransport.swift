import Foundation
import NIOFoundationCompat
import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

/// The one place that sends a provider's HTTP request, so every provider gets the same timeout,
/// body-size cap, error mapping and per-attempt log line.
///
/// The `HTTPClient` is shared (it owns the connection pool) and is never shut down here.
struct ProviderHTTPTransport: Sendable {
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
    var maxResponseBytes: Int = Self.defaultMaxResponseBytes

    /// POSTs `body` to `url` and returns the whole response, whatever its status.
    ///
    /// `timeout` bounds everything from asking the pool for a connection to the last body byte.
    /// Throws only transport failures (`.connect`, `.timeout`, `.cancelled`, `.invalidResponse` for an
    /// oversized body); HTTP statuses are the caller's to interpret.
    func post(
        url: String,
        headers: HTTPHeaders,
        body: ByteBuffer,
        model: String,
        timeout: Duration,
        logger: Logger
    ) async throws(ProviderError) -> Response {
        try await send(method: .POST, url: url, headers: headers, body: body, model: model, timeout: timeout, logger: logger)
    }

    /// GETs `url` (a model listing) and returns the whole response, whatever its status; the
    /// same timeout and error mapping as `post`.
    func get(url: String, headers: HTTPHeaders, timeout: Duration, logger: Logger) async throws(ProviderError) -> Response {
        try await send(method: .GET, url: url, headers: headers, body: nil, model: "-", timeout: timeout, logger: logger)
    }

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

        let clock = ContinuousClock()
        let started = clock.now
        do {
            let response = try await Self.execute(
                request,
                on: httpClient,
                timeout: timeout,
                maxResponseBytes: maxResponseBytes
            )
            logger.debug(
                "provider attempt finished",
                metadata: [
                    "provider": "\(provider)",
                    "model": "\(model)",
                    "status": "\(response.status.code)",
                    "latency_ms": "\((clock.now - started).milliseconds)",
                ]
            )
            return response
        } catch {
            let mapped = Self.map(error, timeout: timeout)
            logger.debug(
                "provider attempt failed",
                metadata: [
                    "provider": "\(provider)",
                    "model": "\(model)",
                    "status": "\(mapped.kind.statusLabel)",
                    "error": "\(mapped.message)",
                    "latency_ms": "\((clock.now - started).milliseconds)",
                ]
            )
            throw mapped
        }
    }

    /// Thrown by the timer child task when the attempt's time is up.
    struct AttemptTimedOut: Error {}

    /// Runs the request and reads the body, racing both against `timeout`.
    ///
    /// AsyncHTTPClient's deadline only covers the response head, so the body read is raced
    /// against a timer here to make `timeout` truly "connect to last byte".
    private static func execute(
        _ request: HTTPClientRequest,
        on httpClient: HTTPClient,
        timeout: Duration,
        maxResponseBytes: Int
    ) async throws -> Response {
        try await withThrowingTaskGroup(of: Response?.self) { group in
            group.addTask {
                let response = try await httpClient.execute(request, deadline: .now() + TimeAmount(timeout))
                let body = try await response.body.collect(upTo: maxResponseBytes)
                return Response(status: response.status, headers: response.headers, body: body)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            // Two child tasks were added, so `next()` yields a value (or throws) at least once.
            guard let first = try await group.next(), let response = first else {
                throw AttemptTimedOut()
            }
            return response
        }
    }

    /// Turns whatever AsyncHTTPClient, NIO or the task system threw into a `ProviderError`.
    /// JSON-encodes a request body. Encoding our own wire structs does not fail in practice; if
    /// it ever does, the attempt fails as not retryable, naming the provider.
    static func jsonBody(_ value: some Encodable, provider: String) throws(ProviderError) -> ByteBuffer {
        do {
            return try JSONEncoder().encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
        } catch {
            throw ProviderError(kind: .invalidResponse, message: "could not encode the \(provider) request: \(error)")
        }
    }

    static func map(_ error: any Error, timeout: Duration) -> ProviderError {
        if Task.isCancelled {
            return ProviderError(kind: .cancelled, message: "the request was cancelled")
        }
        switch error {
        case let error as ProviderError:
            return error
        case is AttemptTimedOut:
            return ProviderError(kind: .timeout, message: "no complete answer within \(timeout.milliseconds) ms")
        case is CancellationError:
            return ProviderError(kind: .cancelled, message: "the request was cancelled")
        case is NIOTooManyBytesError:
            return ProviderError(kind: .invalidResponse, message: "response body exceeds the size limit")
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return ProviderError(kind: .timeout, message: "no complete answer within \(timeout.milliseconds) ms")
            case .cancelled:
                return ProviderError(kind: .cancelled, message: "the request was cancelled")
            case .remoteConnectionClosed:
                return ProviderError(kind: .connect, message: "the provider closed the connection before answering")
            case .connectTimeout:
                return ProviderError(kind: .connect, message: "could not connect within the connect timeout")
            default:
                return ProviderError(kind: .connect, message: "HTTP client error: \(error)")
            }
        case let error as ChannelError:
            return ProviderError(kind: .connect, message: "connection failed: \(error)")
        case let error as IOError:
            return ProviderError(kind: .connect, message: "connection failed: \(error.description)")
        case let error as HTTPParserError:
            return ProviderError(kind: .connect, message: "the connection broke mid-response: \(error)")
        default:
            // NIOPosix's connection errors (e.g. refused) land here; this target does not import NIOPosix.
            return ProviderError(kind: .connect, message: "could not reach the provider: \(error)")
        }
    }
}
