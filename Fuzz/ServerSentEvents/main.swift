// libFuzzer target: the SSE parser (Sources/Providers/Streaming) that reads Gemini and OpenAI
// streams. The input is fed in two pieces split at its first byte's value, so chunk boundaries
// are fuzzed too; the events must not depend on where the bytes were split.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServerSentEvents(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var whole = ServerSentEventParser()
    let wholeEvents = try? whole.feed(bytes)
    var split = ServerSentEventParser()
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var splitEvents: [ServerSentEvent]? = nil
    if let first = try? split.feed(bytes[..<cut]), let second = try? split.feed(bytes[cut...]) {
        splitEvents = first + second
    }
    if let wholeEvents, let splitEvents {
        precondition(wholeEvents + whole.finish() == splitEvents + split.finish(), "split changed the events")
    }
    return 0
}
