import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Encodes a JSON body with the content type every route of ours uses.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status = .ok, _ body: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(body)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
