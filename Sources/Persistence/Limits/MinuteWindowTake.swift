/// The outcome of trying to admit one call into a key's per-minute window.
public enum MinuteWindowTake: Sendable, Equatable {
    /// Counted: the window had room for one more request and the reserved tokens.
    case admitted
    /// The window already holds `requestsPerMinute` requests.
    case requestsExhausted
    /// The window's tokens plus this call's reservation would pass `tokensPerMinute`.
    case tokensExhausted
}
