import Foundation

/// Parses the RFC 3339 timestamps model listings carry (Ollama's `modified_at`, e.g.
/// `2026-06-04T14:38:31.837530123-07:00`), whose nanosecond fractions Foundation's ISO 8601
/// parser does not accept: the fraction is cut out, parsed separately, and added back.
enum ProviderDateParsing {
    static func rfc3339(_ text: String) -> Date? {
        var whole = text
        var fraction = 0.0
        if let dot = text.firstIndex(of: "."), let tee = text.firstIndex(of: "T"), dot > tee {
            let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
            fraction = Double("0." + digits) ?? 0
            whole = String(text[..<dot]) + String(text[text.index(after: dot)...].dropFirst(digits.count))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: whole).map { $0.addingTimeInterval(fraction) }
    }
}
