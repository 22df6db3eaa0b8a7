/// What one key used in one per-minute window: requests admitted and tokens counted (answered
/// calls' real totals plus the reservations of calls still in flight).
public struct MinuteWindowUse: Sendable, Equatable {
    public var requests: Int
    public var tokens: Int

    public init(requests: Int, tokens: Int) {
        self.requests = requests
        self.tokens = tokens
    }

    public static let zero = MinuteWindowUse(requests: 0, tokens: 0)
}
