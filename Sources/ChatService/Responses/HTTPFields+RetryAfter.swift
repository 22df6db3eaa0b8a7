import HTTPTypes
import Providers

extension HTTPFields {
    /// `retry-after-ms`: the OpenAI SDKs read it before `Retry-After` for sub-second precision.
    static let retryAfterMillisecondsName = HTTPField.Name("retry-after-ms")!

    /// The one `Retry-After` rule of the service: whole seconds rounded up and at least 1, so a
    /// client never comes back before the delay is over; no header when no delay is known. With
    /// `milliseconds`, also `retry-after-ms` (at least 1) for OpenAI-shaped errors.
    mutating func setRetryAfter(_ delay: Duration?, milliseconds: Bool = false) {
        guard let delay else { return }
        let (seconds, attoseconds) = delay.components
        self[.retryAfter] = String(Swift.max(1, seconds + (attoseconds > 0 ? 1 : 0)))
        if milliseconds {
            self[Self.retryAfterMillisecondsName] = String(Swift.max(1, delay.milliseconds))
        }
    }
}
