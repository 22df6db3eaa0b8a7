import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id, puts it in the logger's metadata (`request_id`) and echoes it in
/// `X-Request-Id` on every response, errors included (an error no route turned into a response
/// becomes a bare 500 here), so a caller's report can be matched to our log lines and to the
/// stored interaction.
///
/// Seed 004's headers (SPEC §3): a caller's `X-Correlation-Id` is the request id when it sent no
/// `X-Request-Id`, and is echoed as sent; `X-User-Id` is kept for the OpenAI routes' `userId`.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = ChatRequestContext

    static let headerName = HTTPField.Name("X-Request-Id")!
    static let correlationHeader = HTTPField.Name("X-Correlation-Id")!
    static let userHeader = HTTPField.Name("X-User-Id")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let correlationID = Self.usableID(request.headers[Self.correlationHeader])
        let requestID = Self.usableID(request.headers[Self.headerName]) ?? correlationID ?? Self.generateID()
        context.requestID = requestID
        context.headerUserID = Self.usableUserID(request.headers[Self.userHeader])
        if let correlationID { context.logger[metadataKey: "correlation_id"] = .string(correlationID) }
        context.logger[metadataKey: "request_id"] = .string(requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch {
            // What Hummingbird would answer (a bare 500), but here, so it too carries the
            // request id (and, outside, `Server-Timing`) and the error is logged with the id.
            context.logger.error("unexpected error; answering 500", metadata: ["error": "\(error)"])
            response = Response(status: .internalServerError)
        }
        response.headers[Self.headerName] = requestID
        if let correlationID { response.headers[Self.correlationHeader] = correlationID }
        return response
    }

    /// An `X-User-Id` is kept when, trimmed, it is 1 to 256 characters without control characters.
    static func usableUserID(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty, value.count <= 256,
            !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return value
    }

    /// A caller's id is kept when it is short printable ASCII without spaces; anything else
    /// (which could forge log lines) is replaced.
    static func usableID(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else { return nil }
        return value
    }

    /// 32 lowercase hex characters from the system's random generator.
    static func generateID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex16(high) + hex16(low)
    }

    private static func hex16(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
