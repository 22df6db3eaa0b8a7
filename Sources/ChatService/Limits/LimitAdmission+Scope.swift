import Hummingbird

extension LimitAdmission {
    /// Runs the route with `admission` as `LimitAdmission.current`, and writes the response body
    /// (a stream records its interaction while it is written, after the route returned) in the
    /// same scope. With no admission (a key without limits) the route runs as it is.
    static func scope(
        _ admission: LimitAdmission?, _ route: () async throws -> Response
    ) async throws -> Response {
        guard let admission else { return try await route() }
        var response = try await $current.withValue(admission) { try await route() }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await $current.withValue(admission) { try await body.write(writer) }
        }
        return response
    }
}
