/// What a replica asking for a slice of a key's per-minute window got: the slice, or which limit
/// left no room for even one more call.
///
/// It exists because a replica does not count each call in MongoDB: it reserves a slice of the
/// window (requests and tokens) in one atomic update and admits calls locally until the slice is
/// used, so the window's document always holds at least what every replica together admitted.
public enum MinuteWindowLease: Sendable, Equatable {
    /// Reserved for this replica: `requests` calls and `tokens` tokens, now counted in the window.
    /// `requestsLeft` / `tokensLeft`: what the window still holds for every replica after this
    /// grant (`nil` for a limit that is not set), so the next slice can shrink as the window fills.
    case granted(requests: Int, tokens: Int, requestsLeft: Int?, tokensLeft: Int?)
    /// The window already holds `requestsPerMinute` requests.
    case requestsExhausted
    /// The window has fewer tokens left than one call needs.
    case tokensExhausted
}
