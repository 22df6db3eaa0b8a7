import HTTPTypes

/// One request's `Server-Timing` figures (SPEC §3), in milliseconds with two decimals:
/// `Server-Timing: gateway;dur=0.31, upstream;dur=412.70, store;dur=0.08`.
///
/// - `total`: from the moment the service's request context was made (the request head has been
///   parsed; the body not yet read) to the moment the response head was handed back to the HTTP
///   server (not yet written to the socket).
/// - `upstream`: time spent waiting on providers: the provider chain's call (every attempt and
///   every backoff sleep between them) and model-list lookups that may ask a provider (the
///   OpenAI routes' `model` resolution, `GET /v1/models`). For a streamed answer the head goes out
///   when the first chunk exists, so `upstream` is the time to the first byte.
/// - `store`: time spent making the interaction durable (the interaction log's `record`). For a
///   streamed answer the document is written after the head went out, so it is not in the header.
/// - `gateway`: `total - upstream`, the time the service itself added. It **includes** `store`,
///   reading the body, validation, authentication, encoding the answer and every middleware.
///
/// `upstream` and `store` appear only when that phase took place (a `/health` answer, a 4xx
/// rejection or a refused admission carries `gateway` alone); `gateway` is always there.
struct ServerTiming: Equatable, Sendable {
    static let headerName = HTTPField.Name("Server-Timing")!

    var total: Duration
    var upstream: Duration
    var store: Duration

    /// The time the service added: everything but waiting on providers. Never negative.
    var gateway: Duration { max(.zero, total - upstream) }

    /// The header's value, e.g. `gateway;dur=0.31, upstream;dur=412.70, store;dur=0.08`.
    var headerValue: String {
        var value = "gateway;dur="
        value.reserveCapacity(64)
        Self.appendMilliseconds(gateway, to: &value)
        if upstream > .zero {
            value += ", upstream;dur="
            Self.appendMilliseconds(upstream, to: &value)
        }
        if store > .zero {
            value += ", store;dur="
            Self.appendMilliseconds(store, to: &value)
        }
        return value
    }

    /// Appends `duration` as milliseconds rounded to two decimals (`412.70`), without going
    /// through a formatter: this runs on every response.
    static func appendMilliseconds(_ duration: Duration, to text: inout String) {
        let (seconds, attoseconds) = max(.zero, duration).components
        // Hundredths of a millisecond (10 µs = 10^13 attoseconds), rounded half up.
        let hundredths = seconds &* 100_000 &+ (attoseconds &+ 5_000_000_000_000) / 10_000_000_000_000
        text += String(hundredths / 100)
        let fraction = hundredths % 100
        text += fraction < 10 ? ".0" : "."
        text += String(fraction)
    }
}
