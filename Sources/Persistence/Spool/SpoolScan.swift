/// What `SpoolFrame.scan` found in a range of spool bytes: the intact records, damaged ranges
/// with intact records after them, and where a torn tail starts (if any). Offsets are relative
/// to the scanned bytes.
public struct SpoolScan: Sendable, Equatable {
    /// Byte ranges of intact frames (header included), in file order.
    public var records: [Range<Int>] = []
    /// Byte ranges that are not intact frames but are followed by one: quarantined, never replayed.
    public var damaged: [Range<Int>] = []
    /// The offset where the bytes stop being intact records up to the end; nil if the range ends cleanly.
    public var tornTailOffset: Int?

    public init() {}
}
