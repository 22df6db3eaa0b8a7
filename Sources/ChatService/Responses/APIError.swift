import HTTPTypes
import Hummingbird

/// A failure the caller sees, with the right status code and SPEC §3.1's error body:
/// `{"error": {"code": "invalid_request", "message": "userId is required"}}`.
///
/// Routes throw it; `RequestIDMiddleware` and Hummingbird turn it into the response.
struct APIError: HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    /// A stable machine-readable code, e.g. `invalid_request`, `providers_failed`.
    var code: String
    var message: String
    /// Sent as `Retry-After` (whole seconds, rounded up) when known.
    var retryAfter: Duration?
    /// For 502/504: each provider attempt, so the caller sees what was tried.
    var attempts: [ChatResponse.Attempt]?
    /// The request field at fault, reported as `param` in OpenAI-shaped errors.
    var param: String?

    init(
        status: HTTPResponse.Status, code: String, message: String, retryAfter: Duration? = nil,
        attempts: [ChatResponse.Attempt]? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.attempts = attempts
    }

    static func invalidRequest(_ message: String, param: String? = nil) -> APIError {
        var error = APIError(status: .badRequest, code: "invalid_request", message: message)
        error.param = param
        return error
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers.setRetryAfter(retryAfter)
        return try JSONResponse.make(
            status, ErrorBody(error: .init(code: code, message: message, attempts: attempts)), headers: headers)
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var attempts: [ChatResponse.Attempt]?
        }
        var error: Detail
    }
}
