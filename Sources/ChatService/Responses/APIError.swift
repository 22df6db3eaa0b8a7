import Foundation
import NIOCore
import HTTPTypes
import Hummingbird

/// A failure the caller sees, with the right status code and SPEC §3.1's error body:
/// `{"error": {"code": "invalid_request", "message": "userId is required"}}`.
///
/// Routes throw it; `RequestIDMiddleware` and Hummingbird turn it into the response.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// A stable machine-readable code, e.g. `invalid_request`, `providers_failed`.
    public var code: String
    public var message: String
    /// Sent as `Retry-After` (whole seconds, rounded up) when known.
    public var retryAfter: Duration?
    /// For 502/504: each provider attempt, so the caller sees what was tried.
    public var attempts: [ChatResponse.Attempt]?
    /// The request field at fault, reported as `param` in OpenAI-shaped errors.
    public var param: String?

    public init(
        status: HTTPResponse.Status, code: String, message: String, retryAfter: Duration? = nil,
        attempts: [ChatResponse.Attempt]? = nil
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.attempts = attempts
    }

    public static func invalidRequest(_ message: String, param: String? = nil) -> APIError {
        var error = APIError(status: .badRequest, code: "invalid_request", message: message)
        error.param = param
        return error
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = ErrorBody(error: .init(code: code, message: message, attempts: attempts))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter {
            let (seconds, attoseconds) = retryAfter.components
            headers[.retryAfter] = String(max(1, seconds + (attoseconds > 0 ? 1 : 0)))
        }
        let data = try JSONEncoder().encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
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
