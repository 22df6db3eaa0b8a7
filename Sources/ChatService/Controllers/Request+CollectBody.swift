import Hummingbird
import NIOCore

extension Request {
    /// Collects the body, turning "too large" into SPEC §3.1's 413.
    mutating func collectBody(limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(
                status: .contentTooLarge, code: "payload_too_large",
                message: "request body is larger than \(limit) bytes (MAX_BODY_BYTES)")
        }
    }
}
