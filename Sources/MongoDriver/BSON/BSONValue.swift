/// One decoded BSON value, for reading what the server sends back (command replies, cursor
/// documents) as typed Swift values instead of through an extended-JSON string.
///
/// It exists because libbson's `bson_iter_t` is 128-byte aligned and cannot live on Swift's stack:
/// reading replies field by field from Swift means either that, a JSON round trip, or decoding the
/// document's bytes ourselves. BSON's layout is small and fixed, so this decodes the bytes.
/// Types this wrapper never reads (regex, JavaScript, DBPointer, …) keep only their type byte.
public enum BSONValue: Sendable, Equatable {
    case double(Double)
    case string(String)
    case document(BSONFields)
    case array([BSONValue])
    case binary(subtype: UInt8, bytes: [UInt8])
    case objectID([UInt8])
    case bool(Bool)
    /// Milliseconds since the Unix epoch (UTC).
    case date(Int64)
    case null
    case int32(Int32)
    case timestamp(UInt64)
    case int64(Int64)
    /// The 16 raw bytes of a decimal128.
    case decimal128([UInt8])
    /// A type this wrapper does not decode (regex, JavaScript, symbol, DBPointer, min/max key).
    case other(type: UInt8)

    /// The value as an `Int` when it is any BSON number that holds an integer (int32, int64, or a
    /// double without a fraction, as `$sum` over an empty group may return).
    public var integer: Int? {
        switch self {
        case .int32(let value): return Int(value)
        case .int64(let value): return Int(value)
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e18: return Int(value)
        default: return nil
        }
    }

    /// The value as a `Double` when it is any BSON number.
    public var double: Double? {
        switch self {
        case .double(let value): return value
        case .int32(let value): return Double(value)
        case .int64(let value): return Double(value)
        default: return nil
        }
    }

    /// The string, when this is a BSON string.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The embedded document, when this is one.
    public var document: BSONFields? {
        if case .document(let value) = self { return value }
        return nil
    }

    /// The elements, when this is a BSON array.
    public var array: [BSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// Milliseconds since 1970, when this is a BSON date.
    public var dateMilliseconds: Int64? {
        if case .date(let value) = self { return value }
        return nil
    }

    /// The flag, when this is a BSON boolean.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}
