/// The on-disk framing of one spool record:
///
/// ```
/// offset 0  UInt32 LE  payload length N (bytes of the BSON document)
/// offset 4  UInt32 LE  CRC-32C of the N payload bytes
/// offset 8  N bytes    the SPEC §4 document as BSON (its own first 4 bytes repeat N)
/// ```
///
/// It exists so a reader can tell, for any byte range, whether it holds a complete and intact
/// record: the length says where the record ends, the checksum says whether its bytes are the ones
/// that were written, and the BSON length prefix must agree with the frame's. Anything else is
/// a torn write or corruption.
public enum SpoolFrame {
    /// Bytes before the payload.
    public static let headerSize = 8
    /// The largest payload accepted (MongoDB's 16 MiB document limit plus slack); a length field
    /// above it is corruption, not a record.
    public static let maxPayloadSize = 17 * 1024 * 1024
    /// The smallest BSON document (`{}`) is 5 bytes.
    public static let minPayloadSize = 5

    /// `payload` framed for appending.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        var frame = [UInt8]()
        frame.reserveCapacity(headerSize + payload.count)
        appendLittleEndian(UInt32(payload.count), to: &frame)
        appendLittleEndian(CRC32C.checksum(payload), to: &frame)
        frame.append(contentsOf: payload)
        return frame
    }

    /// The length of the intact frame starting at `offset` in `bytes`, or nil if the bytes there
    /// are not a complete, checksummed record (torn, truncated or corrupt).
    public static func validFrameLength(in bytes: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard offset >= 0, bytes.count - offset >= headerSize + minPayloadSize else { return nil }
        let length = Int(readLittleEndian(bytes, at: offset))
        guard length >= minPayloadSize, length <= maxPayloadSize, bytes.count - offset - headerSize >= length else {
            return nil
        }
        let payloadStart = offset + headerSize
        guard Int(readLittleEndian(bytes, at: payloadStart)) == length else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[payloadStart..<(payloadStart + length)])
        guard CRC32C.checksum(payload) == readLittleEndian(bytes, at: offset + 4) else { return nil }
        return headerSize + length
    }

    /// Splits `bytes` (a whole segment, or a range of one) into intact records and damaged ranges.
    ///
    /// Damage followed by at least one intact record is "in the middle" (the bytes are moved to
    /// quarantine); damage with no intact record after it is the torn tail (cut off). To find the
    /// next record after damage, the scan looks for the next offset holding an intact frame.
    public static func scan(_ bytes: UnsafeRawBufferPointer) -> SpoolScan {
        var scan = SpoolScan()
        var offset = 0
        while offset < bytes.count {
            if let length = validFrameLength(in: bytes, at: offset) {
                scan.records.append(offset..<(offset + length))
                offset += length
                continue
            }
            var next = offset + 1
            while next < bytes.count, validFrameLength(in: bytes, at: next) == nil {
                next += 1
            }
            if next < bytes.count {
                scan.damaged.append(offset..<next)
                offset = next
            } else {
                scan.tornTailOffset = offset
                break
            }
        }
        return scan
    }

    static func appendLittleEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    static func readLittleEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}
