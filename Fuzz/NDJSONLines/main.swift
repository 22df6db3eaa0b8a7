// libFuzzer target: the NDJSON line splitter (Sources/Providers/Streaming) that reads Ollama
// streams, fed whole and in two pieces; both must give the same lines.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNDJSONLines(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = NDJSONLineSplitter()
    let wholeLines = try? whole.feed(bytes)
    var split = NDJSONLineSplitter()
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var splitLines: [[UInt8]]? = nil
    if let first = try? split.feed(bytes[..<cut]), let second = try? split.feed(bytes[cut...]) {
        splitLines = first + second
    }
    if let wholeLines, let splitLines {
        precondition(wholeLines + whole.finish() == splitLines + split.finish(), "split changed the lines")
    }
    return 0
}
