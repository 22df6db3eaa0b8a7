/// Makes an optional property of a response type encode as `null` when it is `nil`, instead of
/// being left out as synthesized `Encodable` does: OpenAI's schemas (and the official SDKs'
/// strict parsers) require nullable keys such as `finish_reason`, `logprobs` or `param` to be
/// present. With it the wire types keep synthesized encoding, in declaration order.
@propertyWrapper
struct EncodedAsNull<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
