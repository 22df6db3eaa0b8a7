import NIOCore
import NIOHTTP1

extension ProviderDoubleReply {
    static func json(_ status: HTTPResponseStatus, _ object: Any) -> Self {
        .body(status, contentType: "application/json; charset=utf-8", ProviderDoubleResponder.serialize(object))
    }

    static func stream(contentType: String, _ pieces: [String]) -> Self {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        return Self(headers: headers, chunks: pieces.map { ByteBuffer(string: $0) }, streamed: true)
    }
}
