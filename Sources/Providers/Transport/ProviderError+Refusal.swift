import NIOCore
import NIOHTTP1

extension ProviderError {
    /// A provider's non-2xx answer as an error: its own message when the body carried one, else
    /// the start of the body, else the status's reason phrase.
    static func refusal(
        status: HTTPResponseStatus, message: String?, body: ByteBuffer, retryAfter: Duration?
    ) -> ProviderError {
        var text = message ?? ""
        if text.isEmpty {
            text = body.readableBytes > 0 ? String(String(buffer: body).prefix(500)) : status.reasonPhrase
        }
        return ProviderError(kind: .http(status: Int(status.code)), message: text, retryAfter: retryAfter)
    }

    /// A `Retry-After` header (seconds or an HTTP-date), if present and parsable.
    static func retryAfter(in headers: HTTPHeaders) -> Duration? {
        headers.first(name: "retry-after").flatMap { ServerRetryHint.parseRetryAfter($0) }
    }
}
