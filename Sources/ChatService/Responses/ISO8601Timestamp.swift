import Foundation

/// Formats instants as SPEC §3.1 wants them: `2026-06-15T14:32:00.123Z`.
///
/// Hand-rolled over `gmtime_r` because it runs on every response and Foundation's formatters
/// are far slower and not safe to share across threads on every platform.
enum ISO8601Timestamp {
    static func string(from date: Date) -> String {
        let millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millisecondsSinceEpoch.floorDivided(by: 1000))
        let milliseconds = Int(millisecondsSinceEpoch - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
            + ".\(pad(milliseconds, 3))Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
