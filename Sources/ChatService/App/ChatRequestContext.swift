import Hummingbird
import Logging
import NIOCore

/// The per-request context of chat-service: Hummingbird's core storage plus the request id that
/// every log line and every response carries (`X-Request-Id`) and the timing behind the
/// `Server-Timing` header.
struct ChatRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The caller's `X-Request-Id` when it sent a usable one, else one generated here.
    /// Set by `RequestIDMiddleware` before any route runs.
    var requestID: String
    /// The call's W3C trace id for its document (`TraceIDMiddleware`); `nil` without one.
    var traceID: String?
    /// The caller's `X-User-Id` (seed 004) when it sent a usable one; set by `RequestIDMiddleware`.
    var headerUserID: String?
    /// The caller's key once `APIKeyAuthenticator` accepted it; `nil` while keys are off.
    var client: AuthenticatedClient?
    /// Where this request's time went; started as the context is made (the request head has
    /// arrived). Controllers add upstream and store time; `MetricsMiddleware` reads it.
    let timing: RequestTiming
    /// The client's connection, where `ClientConnectionWatch` tells a call that its client left.
    let channel: (any Channel)?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.traceID = nil
        self.headerUserID = nil
        self.client = nil
        self.timing = RequestTiming()
        self.channel = source.channel
    }

    /// Who an OpenAI-route call is stored for (SPEC §3.2): the body's `user`, else `X-User-Id`,
    /// else the API key's owner, else `anonymous`.
    func userID(fromBody user: String?) -> String {
        user ?? headerUserID ?? client?.name ?? "anonymous"
    }
}
