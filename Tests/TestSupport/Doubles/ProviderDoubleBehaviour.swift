/// One scripted answer of the `ProviderDouble`, consumed by one generation request.
///
/// A flat `Codable` struct rather than an enum with payloads so the same JSON can be posted to
/// the `provider-double` executable's `POST /_double/script`, e.g.
/// `[{"kind":"error","route":"gemini","status":429,"retryDelay":"0.2s"},{"kind":"success","text":"hi"}]`,
/// `[{"kind":"success","route":"openai","chunks":["Hel","lo"],"chunkDelayMs":50}]` (a paced stream) or
/// `[{"kind":"fail_mid_stream","route":"ollama","chunks":["partial"],"message":"runner crashed"}]`.
/// Every error body is written in the protocol of the endpoint that was called (protocols.md).
public struct ProviderDoubleBehaviour: Sendable, Codable, Equatable {
    /// What the double does.
    public enum Kind: String, Sendable, Codable {
        /// A normal answer (streamed or not, as the request asked).
        case success
        /// A non-2xx answer with the provider's error body (`status`, `message`, `retryDelay`).
        case error
        /// Gemini only: HTTP 200 with `promptFeedback.blockReason` and no candidates.
        case blocked
        /// Close the connection without sending anything.
        case drop
        /// Send the head (with the full `content-length`) and half the body, then close.
        case closeMidBody = "close_mid_body"
        /// HTTP 200, `application/json`, a body that is not JSON.
        case malformedJSON = "malformed_json"
        /// Streamed requests: HTTP 200, the text's chunks, then the provider's mid-stream error
        /// (Gemini `data: {"error": …}`, Ollama `{"error": "…"}`, OpenAI `data: {"error": …}`)
        /// instead of the normal ending, then the response ends. Non-streamed requests get the
        /// `error` answer for `status` (default 500).
        case failMidStream = "fail_mid_stream"
        /// Azure (protocols.md §5.2): a prompt the content filter refuses, a 400 with
        /// `code: content_filter` and `innererror.code: ResponsibleAIPolicyViolation`.
        case contentFilter = "content_filter"
    }

    public var kind: Kind
    /// Only requests of this protocol consume the behaviour; `nil` = any generation request.
    public var route: ProviderDoubleRoute?
    /// `success`: the answer text (default `"Echo: <last user message>"`).
    public var text: String?
    /// `success`: a thought part sent before the text (Gemini `"thought": true`, Ollama `thinking`).
    public var thought: String?
    /// `success`, `fail_mid_stream`: the exact streamed deltas (their concatenation is the text).
    public var chunks: [String]?
    /// `success`, `fail_mid_stream` when streamed: wait this long before each body chunk (after
    /// the head), so a client can be seen receiving chunks before the last is sent.
    public var chunkDelayMs: Int?
    /// `success`: the model named in the answer (default: the requested model).
    public var model: String?
    /// `success`: usage counts (default: word counts of prompt and answer).
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// `success`: the provider-native finish reason (`MAX_TOKENS`, `length`, …).
    public var finishReason: String?
    /// `error`: the HTTP status.
    public var status: Int?
    /// `error`: the provider's message (default: a realistic one for the status).
    public var message: String?
    /// `error`, Gemini: adds a `google.rpc.RetryInfo` detail with this `retryDelay` (e.g. `"26s"`).
    public var retryDelay: String?
    /// Any kind: a `Retry-After` header value (seconds or an HTTP date).
    public var retryAfter: String?
    /// Any kind: a `retry-after-ms` header value (what OpenAI's SDK reads first).
    public var retryAfterMs: String?
    /// Any kind: wait this long before answering (or dropping).
    public var delayMs: Int?

    public init(
        kind: Kind,
        route: ProviderDoubleRoute? = nil,
        text: String? = nil,
        chunks: [String]? = nil,
        chunkDelayMs: Int? = nil,
        thought: String? = nil,
        model: String? = nil,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        finishReason: String? = nil,
        status: Int? = nil,
        message: String? = nil,
        retryDelay: String? = nil,
        retryAfter: String? = nil,
        retryAfterMs: String? = nil,
        delayMs: Int? = nil
    ) {
        self.kind = kind
        self.route = route
        self.text = text
        self.chunks = chunks
        self.chunkDelayMs = chunkDelayMs
        self.thought = thought
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.finishReason = finishReason
        self.status = status
        self.message = message
        self.retryDelay = retryDelay
        self.retryAfter = retryAfter
        self.retryAfterMs = retryAfterMs
        self.delayMs = delayMs
    }

    /// A normal answer.
    public static func success(
        text: String? = nil,
        model: String? = nil,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        finishReason: String? = nil,
        thought: String? = nil
    ) -> Self {
        Self(
            kind: .success, text: text, thought: thought, model: model, promptTokens: promptTokens,
            completionTokens: completionTokens, finishReason: finishReason
        )
    }

    /// A provider error body with `status`.
    public static func error(
        status: Int, message: String? = nil, retryDelay: String? = nil, retryAfter: String? = nil
    ) -> Self {
        Self(kind: .error, status: status, message: message, retryDelay: retryDelay, retryAfter: retryAfter)
    }

    /// Azure's content-filter 400 for the prompt (other routes: OpenAI's safety-system 400).
    public static let contentFilter = Self(kind: .contentFilter)

    /// A streamed answer of exactly `chunks`, `chunkDelay` apart (the first one too).
    public static func streamed(
        _ chunks: [String],
        chunkDelay: Duration = .zero,
        promptTokens: Int? = nil,
        completionTokens: Int? = nil,
        finishReason: String? = nil
    ) -> Self {
        Self(
            kind: .success, chunks: chunks, chunkDelayMs: milliseconds(chunkDelay), promptTokens: promptTokens,
            completionTokens: completionTokens, finishReason: finishReason
        )
    }

    /// `chunks`, then the provider's mid-stream error event with `message` (and, for Gemini,
    /// `status` as its code).
    public static func failMidStream(
        after chunks: [String], status: Int = 500, message: String? = nil, chunkDelay: Duration = .zero
    ) -> Self {
        Self(
            kind: .failMidStream, chunks: chunks, chunkDelayMs: milliseconds(chunkDelay), status: status,
            message: message)
    }

    private static func milliseconds(_ duration: Duration) -> Int? {
        let (seconds, attoseconds) = duration.components
        let value = Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return value > 0 ? value : nil
    }

    /// Gemini's blocked-prompt answer.
    public static let blocked = Self(kind: .blocked)
    /// Close the connection without answering.
    public static let drop = Self(kind: .drop)
    /// Close the connection half-way through the body.
    public static let closeMidBody = Self(kind: .closeMidBody)
    /// 200 with a body that is not JSON.
    public static let malformedJSON = Self(kind: .malformedJSON)

    /// The same behaviour, answered only after `delay`.
    public func delayed(by delay: Duration) -> Self {
        var copy = self
        let (seconds, attoseconds) = delay.components
        copy.delayMs = Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        return copy
    }

    /// The same behaviour, consumed only by requests of `route`.
    public func on(_ route: ProviderDoubleRoute) -> Self {
        var copy = self
        copy.route = route
        return copy
    }

    /// The same behaviour with a `Retry-After` header.
    public func withRetryAfter(_ value: String) -> Self {
        var copy = self
        copy.retryAfter = value
        return copy
    }
}
