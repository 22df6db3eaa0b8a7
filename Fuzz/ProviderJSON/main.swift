// libFuzzer target: the providers' JSON parser (Sources/Providers/Core), which reads Ollama's
// answers in its strict mode and tool-call arguments and schemas in its lenient one. Any input
// must end in a value or a ParseError, never a trap; and when both modes read an object, they
// must see the same keys in the same order.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProviderJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lenient = try? JSONValue(parsing: bytes)
    var strictKeys: [String] = []
    let strictRead: Void? = try? JSONValue.forEachMember(ofObjectIn: bytes, mode: .strict) { key, _, _ in
        strictKeys.append(key)
    }
    if strictRead != nil, case .object(let members)? = lenient {
        precondition(members.map(\.key) == strictKeys, "the two modes read different keys")
    }
    return 0
}
