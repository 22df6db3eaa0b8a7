import NIOCore

// Ollama's non-streamed `/api/chat` answer (protocols.md §2.3) read in one pass over the bytes
// (`JSONValue.forEachMember`, `.strict` rules) instead of through `JSONDecoder` (~71,000
// instructions a request, docs/benchmarks.md), into the same `ResponseBody`, accepting and
// refusing what the decoder did (JSONValue+DecoderRules.swift): absent or `null` is `nil`, a
// member of the wrong type fails the whole body, the first of a repeated key wins, unknown members
// (`created_at`, the durations, `thinking`) are skipped. One liberty of the decoder's is not
// taken: it never looked inside members it did not decode, so it let through a body that was not
// JSON there (`"created_at": "\x"`, `"total_duration": 01`); this reader refuses such a body.
extension OllamaProvider.ResponseBody {
    init(reading body: ByteBuffer) throws(JSONValue.ParseError) {
        var read = Self()
        var seen: UInt8 = 0
        try JSONValue.forEachMember(ofObjectIn: body.readableBytesView, mode: .strict) {
            key, value, offset throws(JSONValue.ParseError) in
            guard let field = Self.fields.firstIndex(of: key), seen & (1 << field) == 0 else { return }
            seen |= (1 << field)
            switch field {
            case 0: read.model = try JSONValue.decodedString(value, "model", at: offset)
            case 1: read.message = try Self.message(value, at: offset)
            case 2: read.done = try JSONValue.decodedBool(value, "done", at: offset)
            case 3: read.doneReason = try JSONValue.decodedString(value, "done_reason", at: offset)
            case 4: read.promptEvalCount = try JSONValue.decodedInt(value, "prompt_eval_count", at: offset)
            case 5: read.evalCount = try JSONValue.decodedInt(value, "eval_count", at: offset)
            default: read.error = try JSONValue.decodedString(value, "error", at: offset)
            }
        }
        self = read
    }

    /// The members read, in `init(reading:)`'s order; any other is skipped.
    private static let fields = ["model", "message", "done", "done_reason", "prompt_eval_count", "eval_count", "error"]

    private static func message(
        _ value: JSONValue, at offset: Int
    ) throws(JSONValue.ParseError) -> OllamaProvider.Message? {
        if case .null = value { return nil }
        guard case .object = value else {
            throw JSONValue.ParseError(offset: offset, expected: "an object for message")
        }
        var message = OllamaProvider.Message(
            role: try JSONValue.decodedRequiredString(value.firstValue(of: "role"), "message.role", at: offset),
            content: try JSONValue.decodedString(value.firstValue(of: "content"), "message.content", at: offset))
        message.images = try JSONValue.decodedStrings(value.firstValue(of: "images"), "message.images", at: offset)
        message.toolName = try JSONValue.decodedString(
            value.firstValue(of: "tool_name"), "message.tool_name", at: offset)
        switch value.firstValue(of: "tool_calls") {
        case nil, .null?: break
        case .array(let calls)?:
            message.toolCalls = []
            for (index, call) in calls.enumerated() {
                message.toolCalls?.append(try toolCall(call, "message.tool_calls[\(index)]", at: offset))
            }
        default: throw JSONValue.ParseError(offset: offset, expected: "an array for message.tool_calls")
        }
        return message
    }

    private static func toolCall(
        _ value: JSONValue, _ name: String, at offset: Int
    ) throws(JSONValue.ParseError) -> OllamaProvider.ToolCallWire {
        guard case .object = value, let function = value.firstValue(of: "function"), case .object = function else {
            throw JSONValue.ParseError(offset: offset, expected: "an object with a function object for \(name)")
        }
        var arguments: JSONValue?
        switch function.firstValue(of: "arguments") {
        case nil, .null?: arguments = nil
        case let given?: arguments = try given.decoderShaped("\(name).function.arguments", at: offset)
        }
        return OllamaProvider.ToolCallWire(
            id: try JSONValue.decodedString(value.firstValue(of: "id"), "\(name).id", at: offset),
            function: .init(
                name: try JSONValue.decodedRequiredString(
                    function.firstValue(of: "name"), "\(name).function.name", at: offset),
                arguments: arguments))
    }
}
