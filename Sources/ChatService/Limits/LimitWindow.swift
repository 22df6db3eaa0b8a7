import Foundation

/// One fixed window of a per-minute limit: its number, start and end.
///
/// Windows are fixed, not sliding: a fixed window is one counter document that every replica
/// reserves slices of atomically (`WindowLease`), so the sum over replicas is exact; a sliding log
/// would need one document per request and a count per admission. The price is the usual one of
/// fixed windows (a burst at a boundary may see up to twice the limit within one window's length);
/// each key's windows start at the key's creation instant, so keys do not all reset together.
struct LimitWindow: Sendable, Equatable {
    var index: Int64
    var start: Date
    var end: Date

    /// The window of length `length` (anchored at `anchor`) that contains `instant`.
    init(anchor: Date, length: Duration, at instant: Date) {
        let lengthMilliseconds = max(1, Int64(length / .milliseconds(1)))
        let anchorMilliseconds = Int64((anchor.timeIntervalSince1970 * 1000).rounded(.down))
        let nowMilliseconds = Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
        let elapsed = nowMilliseconds - anchorMilliseconds
        let index =
            elapsed >= 0 ? elapsed / lengthMilliseconds : (elapsed - lengthMilliseconds + 1) / lengthMilliseconds
        self.index = index
        let startMilliseconds = anchorMilliseconds + index * lengthMilliseconds
        start = Date(timeIntervalSince1970: Double(startMilliseconds) / 1000)
        end = Date(timeIntervalSince1970: Double(startMilliseconds + lengthMilliseconds) / 1000)
    }
}
