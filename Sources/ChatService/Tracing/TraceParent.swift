/// A caller's W3C `traceparent` header (`00-<trace id>-<parent id>-<flags>`), read without any
/// tracer so a call's trace id is stored on its document even when no traces are exported.
/// Anything that is not a valid header (wrong lengths, upper-case or non-hex digits, version
/// `ff`, an all-zero id) is ignored, as the W3C Trace Context specification asks.
struct TraceParent: Equatable, Sendable {
    /// 32 lowercase hex digits, not all zero.
    var traceID: String
    /// 16 lowercase hex digits, not all zero.
    var parentID: String

    init?(header: String?) {
        guard let header else { return nil }
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        // Version 00 has exactly four parts; a later version may append more (kept compatible).
        guard parts.count >= 4, parts[0].utf8.count == 2, parts[0] != "ff", Self.isHex(parts[0]),
            parts[0] != "00" || parts.count == 4,
            parts[1].utf8.count == 32, Self.isHex(parts[1]), !Self.isZero(parts[1]),
            parts[2].utf8.count == 16, Self.isHex(parts[2]), !Self.isZero(parts[2]),
            parts[3].utf8.count == 2, Self.isHex(parts[3])
        else { return nil }
        traceID = String(parts[1])
        parentID = String(parts[2])
    }

    private static func isHex(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func isZero(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { $0 == 0x30 }
    }
}
