import Hummingbird
import NIOCore
import NIOHTTP1

extension Request {
    /// Collects the body, turning "too large" into SPEC §3.1's 413, and a body the HTTP/1 parser
    /// rejects part-way (a malformed chunk) into a 400 that says so: the request is the caller's
    /// mistake, not a 500 (`ParseErrorAnswer` answers the parser's errors in a request's head).
    mutating func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(
                status: .contentTooLarge, code: "payload_too_large",
                message: "request body is larger than \(limit) bytes (MAX_BODY_BYTES)")
        } catch let error as HTTPParserError {
            throw APIError.invalidRequest("the request body is not valid HTTP/1.1 (\(error)); nothing was done")
        }
    }

    /// Collects (as `collectBody(limit:)`) and decodes a JSON body of the admin and account routes:
    /// anything `JSONRequestBody` refuses is a 400 saying `refusal`, which never quotes the body.
    func decodedBody<Body: Decodable>(limit: Int, refusal: String) async throws -> Body {
        var request = self
        let body = try await request.collectBody(limit: limit)
        do {
            return try JSONRequestBody.decode(from: body.readableBytesView)
        } catch {
            throw APIError.invalidRequest(refusal)
        }
    }
}
