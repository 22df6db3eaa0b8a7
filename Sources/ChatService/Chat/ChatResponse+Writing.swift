import NIOCore
import Providers

// The `/v1/chat` answer (SPEC §3.1) written straight into the buffer sent, members in the order
// of `ChatResponse`'s declaration (SPEC §3.1's), instead of through `OrderedJSONEncoder`'s tree
// of `JSONNode`s (~95,000 instructions a request, docs/benchmarks.md). The bytes are
// `OrderedJSONEncoder`'s: the same escaping (`JSONWriter` and `JSONNode` escape alike), integers
// as `String(value)`, a cost as `Double.description` without a trailing `.0`, `cost` left out
// when `nil`.
extension ChatResponse {
    /// The body; `nil` when a cost is not a finite number, which JSON cannot hold: the caller
    /// then encodes with `OrderedJSONEncoder`, which fails as it always did.
    var json: ByteBuffer? {
        var writer = JSONWriter(capacity: 512 + prompt.utf8.count + response.utf8.count)
        writer.beginObject()
        writer.key("id")
        writer.string(id)
        writer.key("userId")
        writer.string(userId)
        writer.key("prompt")
        writer.string(prompt)
        writer.key("response")
        writer.string(response)
        writer.key("model")
        writer.string(model)
        writer.key("provider")
        writer.string(provider)
        writer.key("timestamp")
        writer.string(timestamp)
        writer.key("usage")
        writer.beginObject()
        writer.key("promptTokens")
        writer.integer(usage.promptTokens)
        writer.key("completionTokens")
        writer.integer(usage.completionTokens)
        writer.key("totalTokens")
        writer.integer(usage.totalTokens)
        writer.endObject()
        if let cost {
            guard cost.input.isFinite, cost.output.isFinite, cost.total.isFinite else { return nil }
            writer.key("cost")
            writer.beginObject()
            writer.key("currency")
            writer.string(cost.currency)
            writer.key("input")
            writer.literal(Self.number(cost.input))
            writer.key("output")
            writer.literal(Self.number(cost.output))
            writer.key("total")
            writer.literal(Self.number(cost.total))
            writer.endObject()
        }
        writer.key("latencyMs")
        writer.integer(latencyMs)
        writer.key("attempts")
        writer.integer(attempts)
        writer.key("fallback")
        writer.bool(fallback)
        writer.endObject()
        return writer.buffer
    }

    /// A finite `Double` as `OrderedJSONEncoder` writes it (`JSONNode.setNumber`): `1` not `1.0`.
    private static func number(_ value: Double) -> String {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}
