import Foundation
import Synchronization

/// Generates interaction ids: 24 lowercase hex characters laid out like a MongoDB ObjectId.
///
/// The service needs the id before any I/O (it is returned to the caller and is the `_id`, so a
/// spool replay is idempotent), and analysts like `_id` order to follow time. Layout:
/// 4 bytes big-endian Unix seconds, 5 random bytes chosen once per process, 3 bytes of a
/// per-process counter that starts at 0 each second. One process's ids strictly increase (so
/// `_id` order is the order the process made them, even within a second): the second never goes
/// back (a clock stepped back keeps the last second), and within one second there are 2^24 ids.
public enum InteractionID {
    /// The 5 per-process random bytes and the counter, shared by every thread.
    private static let processRandom: (UInt8, UInt8, UInt8, UInt8, UInt8) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next(), generator.next(), generator.next(), generator.next())
    }()
    /// The second the last id carried and the counter within it.
    private static let last = Mutex<(second: UInt32, count: UInt32)>((0, 0))

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// A new id for an interaction happening now.
    public static func generate() -> String {
        generate(seconds: UInt32(clamping: Int64(Date().timeIntervalSince1970.rounded(.down))))
    }

    /// A new id for the given Unix second, or the last one used if that is later (exposed for
    /// tests of the ordering rule).
    public static func generate(seconds: UInt32) -> String {
        let (second, count) = last.withLock { last -> (UInt32, UInt32) in
            if seconds > last.second {
                last = (seconds, 0)
            } else {
                last.count = (last.count &+ 1) & 0x00FF_FFFF
            }
            return last
        }
        let random = processRandom
        let bytes: [UInt8] = [
            UInt8(truncatingIfNeeded: second >> 24), UInt8(truncatingIfNeeded: second >> 16),
            UInt8(truncatingIfNeeded: second >> 8), UInt8(truncatingIfNeeded: second),
            random.0, random.1, random.2, random.3, random.4,
            UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8),
            UInt8(truncatingIfNeeded: count),
        ]
        var text: [UInt8] = []
        text.reserveCapacity(24)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The Unix second encoded in an id produced by `generate`, or `nil` if `id` is not 24 hex digits.
    public static func seconds(of id: String) -> UInt32? {
        guard id.utf8.count == 24, let value = UInt32(id.prefix(8), radix: 16),
            id.allSatisfy({ $0.isHexDigit })
        else { return nil }
        return value
    }
}
