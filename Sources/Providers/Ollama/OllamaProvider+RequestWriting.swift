import NIOCore

// The `/api/chat` request (protocols.md §2.2) written by hand, the members in the order of the
// structs in OllamaProvider+WireFormat.swift, instead of through `JSONEncoder` (~40,000
// instructions a request, docs/benchmarks.md): the same JSON, absent optionals left out as
// `JSONEncoder` leaves them out. `JSONEncoder` wrote the members in hash order; the order here is
// the declared one.
extension OllamaProvider.RequestBody {
    /// The body to send. A number that is not finite (a caller's schema holding `1e999`) cannot
    /// be JSON: for that body `JSONEncoder` is asked, so the attempt fails with the error it
    /// always failed with.
    func encoded(for provider: ProviderName) throws(ProviderError) -> ByteBuffer {
        var writer = JSONWriter(capacity: 256 + messages.reduce(0) { $0 + ($1.content?.utf8.count ?? 0) })
        write(into: &writer)
        guard !writer.wroteNonFiniteNumber else { return try WireJSON.encode(self, for: provider) }
        return writer.buffer
    }

    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("model")
        writer.string(model)
        writer.key("messages")
        writer.beginArray()
        for message in messages { message.write(into: &writer) }
        writer.endArray()
        writer.key("stream")
        writer.bool(stream)
        writer.memberIfPresent("options", options) { $1.write(into: &$0) }
        writer.arrayMemberIfPresent("tools", tools) { $1.write(into: &$0) }
        writer.memberIfPresent("format", format) { $0.value($1) }
        writer.endObject()
    }
}

extension OllamaProvider.Message {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("role")
        writer.string(role)
        writer.memberIfPresent("content", content) { $0.string($1) }
        writer.arrayMemberIfPresent("images", images) { $0.string($1) }
        writer.arrayMemberIfPresent("tool_calls", toolCalls) { $1.write(into: &$0) }
        writer.memberIfPresent("tool_name", toolName) { $0.string($1) }
        writer.endObject()
    }
}

extension OllamaProvider.Options {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.memberIfPresent("temperature", temperature) { $0.number($1) }
        writer.memberIfPresent("top_p", topP) { $0.number($1) }
        writer.memberIfPresent("num_predict", numPredict) { $0.integer($1) }
        writer.arrayMemberIfPresent("stop", stop) { $0.string($1) }
        writer.endObject()
    }
}

extension OllamaProvider.Tool {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("type")
        writer.string(type)
        writer.key("function")
        writer.beginObject()
        writer.key("name")
        writer.string(function.name)
        writer.memberIfPresent("description", function.description) { $0.string($1) }
        writer.memberIfPresent("parameters", function.parameters) { $0.value($1) }
        writer.endObject()
        writer.endObject()
    }
}

extension OllamaProvider.ToolCallWire {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.memberIfPresent("id", id) { $0.string($1) }
        writer.key("function")
        writer.beginObject()
        writer.key("name")
        writer.string(function.name)
        writer.memberIfPresent("arguments", function.arguments) { $0.value($1) }
        writer.endObject()
        writer.endObject()
    }
}
