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
        if let options {
            writer.key("options")
            options.write(into: &writer)
        }
        if let tools {
            writer.key("tools")
            writer.beginArray()
            for tool in tools { tool.write(into: &writer) }
            writer.endArray()
        }
        if let format {
            writer.key("format")
            writer.value(format)
        }
        writer.endObject()
    }
}

extension OllamaProvider.Message {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("role")
        writer.string(role)
        if let content {
            writer.key("content")
            writer.string(content)
        }
        if let images {
            writer.key("images")
            writer.beginArray()
            for image in images { writer.string(image) }
            writer.endArray()
        }
        if let toolCalls {
            writer.key("tool_calls")
            writer.beginArray()
            for call in toolCalls { call.write(into: &writer) }
            writer.endArray()
        }
        if let toolName {
            writer.key("tool_name")
            writer.string(toolName)
        }
        writer.endObject()
    }
}

extension OllamaProvider.Options {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        if let temperature {
            writer.key("temperature")
            writer.number(temperature)
        }
        if let topP {
            writer.key("top_p")
            writer.number(topP)
        }
        if let numPredict {
            writer.key("num_predict")
            writer.integer(numPredict)
        }
        if let stop {
            writer.key("stop")
            writer.beginArray()
            for sequence in stop { writer.string(sequence) }
            writer.endArray()
        }
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
        if let description = function.description {
            writer.key("description")
            writer.string(description)
        }
        if let parameters = function.parameters {
            writer.key("parameters")
            writer.value(parameters)
        }
        writer.endObject()
        writer.endObject()
    }
}

extension OllamaProvider.ToolCallWire {
    func write(into writer: inout JSONWriter) {
        writer.beginObject()
        if let id {
            writer.key("id")
            writer.string(id)
        }
        writer.key("function")
        writer.beginObject()
        writer.key("name")
        writer.string(function.name)
        if let arguments = function.arguments {
            writer.key("arguments")
            writer.value(arguments)
        }
        writer.endObject()
        writer.endObject()
    }
}
