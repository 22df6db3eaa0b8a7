extension ProviderError.Kind {
    /// The SPEC's `attempts[].status` for a failed attempt: the HTTP status, or `timeout`,
    /// `connect`, `invalid_response`, `cancelled`.
    public var statusLabel: String {
        switch self {
        case .http(let status): return String(status)
        case .timeout: return "timeout"
        case .connect: return "connect"
        case .invalidResponse: return "invalid_response"
        case .cancelled: return "cancelled"
        }
    }
}
