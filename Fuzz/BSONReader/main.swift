// libFuzzer target: the BSON reader and scanner (Sources/MongoDriver/BSON), which read MongoDB's
// replies and the write-ahead log's records. Malformed bytes must throw, never crash or overread.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBSONReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var reader = BSONReader(bytes: bytes)
    _ = try? reader.readDocument(at: 0, end: bytes.count)
    _ = BSONScanner.dateMilliseconds("timestamp", in: bytes)
    _ = BSONScanner.dateMilliseconds("", in: bytes)
    return 0
}
