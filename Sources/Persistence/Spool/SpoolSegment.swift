/// One segment file of the spool as the spool's bookkeeping sees it: `segment-<id>.spool`,
/// `length` bytes of durable (fsync'd) records, `records` of them not yet replayed.
struct SpoolSegment: Sendable {
    let id: UInt64
    /// Bytes known durable; nothing past this offset is ever read.
    var length: Int
    /// A sealed segment takes no more appends; it is deleted once drained to `length`.
    var sealed: Bool
    /// Records in this segment not yet acknowledged by MongoDB.
    var records: Int

    /// The file name for segment `id` (zero-padded so names sort in id order).
    static func fileName(_ id: UInt64) -> String {
        let digits = String(id)
        return "segment-" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits + ".spool"
    }

    /// The id in a segment file name, or nil for any other file.
    static func id(fromFileName name: String) -> UInt64? {
        guard name.hasPrefix("segment-"), name.hasSuffix(".spool") else { return nil }
        return UInt64(name.dropFirst("segment-".count).dropLast(".spool".count))
    }
}
