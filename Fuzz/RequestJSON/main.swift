import Foundation

// libFuzzer target: the request decoders' shared path (Sources/ChatService/Controllers:
// `StrictJSONScanner` then `JSONRequestBody`). Whatever the scanner accepts, Foundation's parser
// must accept too (so no body slips between the two rules), and decoding never crashes.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let accepted = (try? StrictJSONScanner.validate(bytes)) != nil
    if accepted {
        precondition(
            (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil,
            "the scanner accepted what Foundation refuses")
    }
    _ = try? JSONRequestBody.decode([String: String].self, from: bytes)
    return 0
}
