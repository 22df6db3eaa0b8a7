/// Errors starting a `ProviderDouble`.
public enum ProviderDoubleError: Error, Sendable {
    /// The listening socket has no local address (should not happen with TCP).
    case notBound
}
