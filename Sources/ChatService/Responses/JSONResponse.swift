import HTTPTypes
import Hummingbird
import NIOCore

/// The one way this service writes JSON on the wire: every JSON response body (answers, errors
/// in both shapes) and every SSE event payload goes through it, so all of them share one encoder
/// configuration and one content type.
///
/// Keys come out in the order each type declares (or encodes) them, which is the order the
/// specification shows, and bodies are encoded straight into the `ByteBuffer` that is sent
/// (`OrderedJSONEncoder`; Foundation's `JSONEncoder` on Linux orders keys by hash).
enum JSONResponse {
    static let contentType = "application/json; charset=utf-8"

    /// A response whose body is `body` as JSON; `headers` are added after the content type.
    static func make(
        _ status: HTTPResponse.Status = .ok, _ body: some Encodable, headers: HTTPFields = [:]
    ) throws -> Response {
        var buffer = ByteBuffer()
        try write(body, into: &buffer)
        var fields: HTTPFields = [.contentType: contentType]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: buffer))
    }

    /// A response whose body is `json`, already written (`ChatResponse.json`).
    static func make(_ status: HTTPResponse.Status = .ok, json: ByteBuffer, headers: HTTPFields = [:]) -> Response {
        var fields: HTTPFields = [.contentType: contentType]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: .init(byteBuffer: json))
    }

    /// Appends `value` as JSON after the bytes already in `buffer`.
    static func write(_ value: some Encodable, into buffer: inout ByteBuffer) throws {
        try OrderedJSONEncoder().encode(value, into: &buffer)
    }
}
