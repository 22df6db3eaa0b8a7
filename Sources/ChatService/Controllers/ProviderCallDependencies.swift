import Hummingbird
import NIOCore
import Providers

/// What every route that asks the provider chain on a client's behalf and stores the call holds
/// (`/v1/chat`, the OpenAI routes, `/v1/embeddings`, `/v1/images/generations`, Ollama's
/// `/api/chat` and `/api/generate`): built once by `buildApplication`, so each of those
/// controllers calls the same chain, stores through the same recorder and applies the same
/// deadline and body limit.
struct ProviderCallDependencies: Sendable {
    /// The configured providers, with retries and fallback.
    let chain: ProviderChain
    /// Admits calls while the write-ahead log can take them and stores each one.
    let recorder: InteractionRecorder
    /// `REQUEST_TIMEOUT_MS`: how long a call may take from its arrival to its answer.
    let requestTimeout: Duration
    /// `MAX_BODY_BYTES`: a larger request body is refused with a 413.
    let maxBodyBytes: Int

    /// The request's whole body, refused (413) past `maxBodyBytes`.
    func body(of request: Request) async throws -> ByteBuffer {
        var request = request
        return try await request.collectBody(limit: maxBodyBytes)
    }

    /// When a call that started at `start` must have its answer.
    func deadline(of start: CallStart) -> ContinuousClock.Instant {
        start.started + requestTimeout
    }
}
