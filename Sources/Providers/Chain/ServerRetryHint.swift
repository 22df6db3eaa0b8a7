import Foundation

/// Parsers for the ways a provider says "try again after …": the HTTP `Retry-After` header
/// (RFC 9110: delay-seconds or an HTTP-date) and protobuf `Duration` strings such as Gemini's
/// `RetryInfo.retryDelay` (`"26s"`, `"26.660853464s"`).
///
/// Kept apart from the providers so each format is parsed (and tested) once.
public enum ServerRetryHint {
    /// Parses a `Retry-After` value: non-negative seconds (a decimal is tolerated, as
    /// openai-python does) or an IMF-fixdate such as `Wed, 21 Oct 2026 07:28:00 GMT`.
    /// A date in the past yields `.zero`; anything unparsable yields `nil`.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Double(trimmed) {
            guard seconds.isFinite, seconds >= 0 else { return nil }
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        guard let date = parseHTTPDate(trimmed) else { return nil }
        let interval = date.timeIntervalSince(now)
        return interval <= 0 ? .zero : .milliseconds(Int64((interval * 1000).rounded(.up)))
    }

    /// Parses a protobuf JSON `Duration`: decimal seconds with up to 9 fractional digits and a
    /// trailing `s`. Returns `nil` for anything else, including negative values.
    public static func parseProtobufDuration(_ value: String) -> Duration? {
        var text = Substring(value.trimmingCharacters(in: .whitespaces))
        guard text.last == "s" else { return nil }
        text = text.dropLast()
        let pieces = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = pieces.first, !wholeText.isEmpty,
            wholeText.allSatisfy(\.isASCIIDigit), let whole = Int64(wholeText)
        else { return nil }
        var nanoseconds: Int64 = 0
        if pieces.count == 2 {
            let fraction = pieces[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(\.isASCIIDigit),
                let digits = Int64(fraction)
            else { return nil }
            var scale: Int64 = 1
            for _ in 0..<(9 - fraction.count) { scale *= 10 }
            nanoseconds = digits * scale
        }
        return .seconds(whole) + .nanoseconds(nanoseconds)
    }

    /// The three date formats RFC 9110 §5.6.7 says a recipient must accept.
    private static let httpDateFormats = [
        "EEE, dd MMM yyyy HH:mm:ss zzz",  // IMF-fixdate
        "EEEE, dd-MMM-yy HH:mm:ss zzz",  // obsolete RFC 850
        "EEE MMM d HH:mm:ss yyyy",  // asctime
    ]

    private static func parseHTTPDate(_ text: String) -> Date? {
        // DateFormatter is not Sendable, so each call builds its own; Retry-After dates are rare.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        for format in httpDateFormats {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
