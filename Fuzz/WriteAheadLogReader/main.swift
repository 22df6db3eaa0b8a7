// libFuzzer target: the write-ahead log's record reader (`SpoolFrame.scan`, compiled in from
// Sources/Persistence/Spool by scripts/fuzz.sh). Any bytes on disk must scan without a crash, and
// what it calls intact must be, frame by frame, valid frames that tile the scanned range in order.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWriteAheadLogReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let scan = SpoolFrame.scan(bytes)
    var end = 0
    for record in scan.records {
        precondition(record.lowerBound >= end && record.upperBound <= size, "records out of order or range")
        precondition(SpoolFrame.validFrameLength(in: bytes, at: record.lowerBound) == record.count, "not a frame")
        end = record.upperBound
    }
    if let torn = scan.tornTailOffset { precondition(torn >= end && torn <= size, "torn tail before a record") }
    // A frame built around these bytes (a BSON-like payload: its first 4 bytes are its length)
    // must read back as exactly one intact record.
    var payload = Array(bytes.prefix(4096))
    if payload.isEmpty { payload = [0] }
    let length = UInt32(4 + payload.count)
    payload =
        [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)] + payload
    let framed = SpoolFrame.encode(payload)
    framed.withUnsafeBytes { frame in
        let again = SpoolFrame.scan(frame)
        precondition(again.records == [0..<frame.count] && again.tornTailOffset == nil, "round trip")
    }
    return 0
}
