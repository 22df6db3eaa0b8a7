import Hummingbird
import Logging

/// The per-request context of chat-service: Hummingbird's core storage plus the request id that
/// every log line and every response carries (`X-Request-Id`).
struct ChatRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The caller's `X-Request-Id` when it sent a usable one, else one generated here.
    /// Set by `RequestIDMiddleware` before any route runs.
    var requestID: String
    /// The caller's key once `APIKeyAuthenticator` accepted it; `nil` while keys are off.
    var client: AuthenticatedClient?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.requestID = ""
        self.client = nil
    }
}
