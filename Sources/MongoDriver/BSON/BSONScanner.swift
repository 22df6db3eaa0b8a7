/// Reads one top-level field out of raw BSON bytes without building a `bson_t`.
///
/// It exists for spool recovery, which needs each spooled record's `requestedAt` to report the
/// spool's age: libbson's iterator type is 128-byte aligned and cannot live on Swift's stack, and
/// copying every record into a `bson_t` just to read one date would be wasteful.
public enum BSONScanner {
    /// The value of the top-level BSON date `key` (ms since 1970), or nil if absent, not a date,
    /// or the bytes are not well-formed enough to reach it.
    public static func dateMilliseconds(_ key: String, in bytes: [UInt8]) -> Int64? {
        let wanted = Array(key.utf8)
        guard bytes.count >= 5 else { return nil }
        var offset = 4
        while offset < bytes.count {
            let type = bytes[offset]
            if type == 0 { return nil }
            offset += 1
            let nameStart = offset
            while offset < bytes.count, bytes[offset] != 0 { offset += 1 }
            guard offset < bytes.count else { return nil }
            let matches = bytes[nameStart..<offset].elementsEqual(wanted)
            offset += 1
            if matches {
                guard type == 0x09, offset + 8 <= bytes.count else { return nil }
                var value: UInt64 = 0
                for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
                return Int64(bitPattern: value)
            }
            guard let size = valueSize(type: type, bytes: bytes, at: offset) else { return nil }
            offset += size
        }
        return nil
    }

    private static func int32(_ bytes: [UInt8], at offset: Int) -> Int? {
        guard offset + 4 <= bytes.count else { return nil }
        return Int(
            Int32(
                bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                    | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24))
    }

    private static func valueSize(type: UInt8, bytes: [UInt8], at offset: Int) -> Int? {
        switch type {
        case 0x01, 0x09, 0x11, 0x12: return 8
        // A length below its type's minimum (negative above all) is malformed: it would move the
        // scan backwards, out of the bytes (found by the BSONReader fuzz target).
        case 0x02, 0x0D, 0x0E: return int32(bytes, at: offset).flatMap { $0 >= 1 ? 4 + $0 : nil }
        case 0x03, 0x04, 0x0F: return int32(bytes, at: offset).flatMap { $0 >= 5 ? $0 : nil }
        case 0x05: return int32(bytes, at: offset).flatMap { $0 >= 0 ? 5 + $0 : nil }
        case 0x06, 0x0A, 0x7F, 0xFF: return 0
        case 0x07: return 12
        case 0x08: return 1
        case 0x10: return 4
        case 0x13: return 16
        default: return nil
        }
    }
}
