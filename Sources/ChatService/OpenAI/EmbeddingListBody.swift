import Foundation
import NIOCore
import Providers

/// Writes the `POST /v1/embeddings` answer (protocols.md §3.6) straight into a `ByteBuffer`:
/// `{"object":"list","data":[{"object":"embedding","index":0,"embedding":…}],"model":…,"usage":…}`.
///
/// Written by hand rather than through `OrderedJSONEncoder`, which builds a node per value: 2048
/// vectors of 3072 floats would be six million nodes. Numbers are written as the
/// upstream sent them (the shortest form that reads back as the same double); base64 is
/// little-endian float32, what the `openai` SDK decodes.
enum EmbeddingListBody {
    static func write(
        _ embeddings: Embeddings, model: String, format: OpenAIEmbeddingRequest.EncodingFormat, promptTokens: Int,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString(#"{"object":"list","data":["#)
        for (index, vector) in embeddings.vectors.enumerated() {
            if index > 0 { buffer.writeStaticString(",") }
            buffer.writeString(#"{"object":"embedding","index":\#(index),"embedding":"#)
            switch format {
            case .float:
                buffer.writeStaticString("[")
                for (position, value) in vector.enumerated() {
                    if position > 0 { buffer.writeStaticString(",") }
                    buffer.writeString(value.isFinite ? value.description : "0")
                }
                buffer.writeStaticString("]")
            case .base64:
                buffer.writeString("\"\(base64(vector))\"")
            }
            buffer.writeStaticString("}")
        }
        buffer.writeStaticString(#"],"model":"#)
        buffer.writeString(quoted(model))
        buffer.writeString(#","usage":{"prompt_tokens":\#(promptTokens),"total_tokens":\#(promptTokens)}}"#)
    }

    /// Little-endian float32 bytes, base64-encoded (each number rounded to the nearest float32,
    /// as numpy's `astype(float32)` does).
    static func base64(_ vector: [Double]) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = Float(value).bitPattern
            bytes += [UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]
        }
        return Data(bytes).base64EncodedString()
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        // Encoding one string cannot fail; the fallback keeps the body valid JSON regardless.
        (try? String(decoding: JSONEncoder().encode(text), as: UTF8.self)) ?? "\"\""
    }
}
