/// Decodes BSON bytes into `BSONFields`/`BSONValue`, checking every length against the bytes it
/// has, so malformed input throws instead of reading out of bounds.
struct BSONReader {
    let bytes: [UInt8]
    /// Nesting limit: deeper documents are refused rather than recursed into without bound.
    static let maxDepth = 100
    private var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func malformed(_ what: String) -> MongoError {
        MongoError(code: .invalidDocument, message: "malformed BSON: \(what)")
    }

    private func int32(at offset: Int) throws(MongoError) -> Int32 {
        guard offset >= 0, offset + 4 <= bytes.count else { throw malformed("truncated int32") }
        return Int32(
            bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
    }

    private func uint64(at offset: Int) throws(MongoError) -> UInt64 {
        guard offset >= 0, offset + 8 <= bytes.count else { throw malformed("truncated 64-bit value") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        return value
    }

    private func cString(at offset: Int, end: Int) throws(MongoError) -> (String, Int) {
        var cursor = offset
        while cursor < end, bytes[cursor] != 0 { cursor += 1 }
        guard cursor < end else { throw malformed("unterminated key") }
        return (String(decoding: bytes[offset..<cursor], as: UTF8.self), cursor + 1)
    }

    /// The document starting at `offset`, which must end at or before `end`.
    mutating func readDocument(at offset: Int, end: Int) throws(MongoError) -> BSONFields {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw malformed("nested deeper than \(Self.maxDepth) levels") }
        let length = Int(try int32(at: offset))
        guard length >= 5, offset + length <= end, bytes[offset + length - 1] == 0 else {
            throw malformed("document length \(length) does not fit")
        }
        let documentEnd = offset + length - 1
        var cursor = offset + 4
        var fields: [(key: String, value: BSONValue)] = []
        while cursor < documentEnd {
            let type = bytes[cursor]
            let (key, valueStart) = try cString(at: cursor + 1, end: documentEnd)
            let (value, next) = try readValue(type: type, at: valueStart, end: documentEnd)
            fields.append((key, value))
            cursor = next
        }
        guard cursor == documentEnd else { throw malformed("element runs past its document") }
        return BSONFields(fields)
    }

    /// One value of BSON type `type` at `offset`; returns it and the offset after it.
    private mutating func readValue(type: UInt8, at offset: Int, end: Int) throws(MongoError) -> (BSONValue, Int) {
        func need(_ count: Int) throws(MongoError) {
            guard count >= 0, offset + count <= end else { throw malformed("value of type \(type) is truncated") }
        }
        switch type {
        case 0x01:
            try need(8)
            return (.double(Double(bitPattern: try uint64(at: offset))), offset + 8)
        case 0x02, 0x0D, 0x0E:
            let length = Int(try int32(at: offset))
            try need(4 + length)
            guard length >= 1, bytes[offset + 4 + length - 1] == 0 else { throw malformed("bad string length") }
            let text = String(decoding: bytes[(offset + 4)..<(offset + 4 + length - 1)], as: UTF8.self)
            return (type == 0x02 ? .string(text) : .other(type: type), offset + 4 + length)
        case 0x03, 0x04:
            let document = try readDocument(at: offset, end: end)
            let next = offset + Int(try int32(at: offset))
            if type == 0x03 { return (.document(document), next) }
            return (.array(document.fields.map(\.value)), next)
        case 0x05:
            let length = Int(try int32(at: offset))
            guard length >= 0 else { throw malformed("negative binary length") }
            try need(5 + length)
            return (
                .binary(subtype: bytes[offset + 4], bytes: Array(bytes[(offset + 5)..<(offset + 5 + length)])),
                offset + 5 + length
            )
        case 0x06, 0x0A, 0x7F, 0xFF:
            return (type == 0x0A ? .null : .other(type: type), offset)
        case 0x07:
            try need(12)
            return (.objectID(Array(bytes[offset..<(offset + 12)])), offset + 12)
        case 0x08:
            try need(1)
            return (.bool(bytes[offset] != 0), offset + 1)
        case 0x09:
            try need(8)
            return (.date(Int64(bitPattern: try uint64(at: offset))), offset + 8)
        case 0x0B:
            let (_, afterPattern) = try cString(at: offset, end: end)
            let (_, afterOptions) = try cString(at: afterPattern, end: end)
            return (.other(type: type), afterOptions)
        case 0x0C:
            let length = Int(try int32(at: offset))
            guard length >= 1 else { throw malformed("bad DBPointer length") }
            try need(4 + length + 12)
            return (.other(type: type), offset + 4 + length + 12)
        case 0x0F:
            let length = Int(try int32(at: offset))
            try need(length)
            guard length >= 14 else { throw malformed("bad code-with-scope length") }
            return (.other(type: type), offset + length)
        case 0x10:
            try need(4)
            return (.int32(try int32(at: offset)), offset + 4)
        case 0x11:
            try need(8)
            return (.timestamp(try uint64(at: offset)), offset + 8)
        case 0x12:
            try need(8)
            return (.int64(Int64(bitPattern: try uint64(at: offset))), offset + 8)
        case 0x13:
            try need(16)
            return (.decimal128(Array(bytes[offset..<(offset + 16)])), offset + 16)
        default:
            throw malformed("unknown element type 0x\(String(type, radix: 16))")
        }
    }
}
