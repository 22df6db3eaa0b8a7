import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

// How Gemini reports a failure (protocols.md §1.7): a `google.rpc.Status` in a non-2xx body, or
// in a `data:` event after a stream's head, either way read here so the message and the
// `RetryInfo` delay come out the same.
extension GeminiProvider {
    /// `google.rpc.Status` as JSON, wrapped in `{"error": …}`.
    struct ErrorEnvelope: Decodable {
        struct Status: Decodable {
            var code: Int?
            var message: String?
            var status: String?
            var details: [Detail]?
        }
        /// Any `details[]` entry; only the fields this gateway reads are decoded.
        struct Detail: Decodable {
            var type: String?
            var retryDelay: String?
            var reason: String?
            enum CodingKeys: String, CodingKey {
                case type = "@type"
                case retryDelay, reason
            }
        }
        var error: Status
    }

    /// Turns a non-2xx answer into a `ProviderError`, reading the `google.rpc.Status` body (bare or
    /// in a one-element array) for the message and `RetryInfo`, and the `Retry-After` header.
    static func error(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) -> ProviderError {
        let rpcStatus = parseStatus(body)
        return .refusal(
            status: status, message: rpcStatus?.message, body: body,
            retryAfter: rpcStatus?.retryAfter ?? ProviderError.retryAfter(in: headers))
    }

    private static func parseStatus(_ body: ByteBuffer) -> ErrorEnvelope.Status? {
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(ErrorEnvelope.self, from: body) {
            return envelope.error
        }
        if let wrapped = try? decoder.decode([ErrorEnvelope].self, from: body), wrapped.count == 1 {
            return wrapped[0].error
        }
        return nil
    }
}

extension GeminiProvider.ErrorEnvelope.Status {
    /// `RetryInfo.retryDelay` from `details`, the delay Google asks for before a retry.
    var retryAfter: Duration? {
        details?
            .first { $0.type?.hasSuffix("google.rpc.RetryInfo") == true }?
            .retryDelay
            .flatMap(ServerRetryHint.parseProtobufDuration)
    }

    /// The failure a stream reports after its head: an HTTP error when `code` is one, else an
    /// invalid response.
    var midStreamError: ProviderError {
        let message = "Gemini reported an error mid-stream: \(self.message ?? status ?? "no message")"
        if let code, (400..<600).contains(code) {
            return ProviderError(kind: .http(status: code), message: message, retryAfter: retryAfter)
        }
        return ProviderError(kind: .invalidResponse, message: message, retryAfter: retryAfter)
    }
}
