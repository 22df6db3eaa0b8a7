import Foundation
import NIOCore
import HTTPTypes
import Hummingbird

/// `GET /health` (the process is up; no I/O) and `GET /ready` (MongoDB answers a ping within a
/// short timeout), for load balancers and orchestrators.
struct HealthController: Sendable {
    /// Answers whether the database can take writes right now; must return quickly.
    let databaseIsReachable: @Sendable () async -> Bool

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("/health") { _, _ in
            Self.json(.ok, ["status": "ok"])
        }
        router.get("/ready") { _, _ in
            if await databaseIsReachable() {
                return Self.json(.ok, ["status": "ready", "mongo": "up"])
            }
            return Self.json(.serviceUnavailable, ["status": "not_ready", "mongo": "down"])
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        let data = (try? JSONEncoder().encode(body)) ?? Data("{}".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
