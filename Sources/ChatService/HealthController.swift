import Foundation
import NIOCore
import HTTPTypes
import Hummingbird
import Persistence

/// `GET /health` (the process is up; no I/O) and `GET /ready` (MongoDB answers a ping within a
/// short timeout, or the disk spool can take writes; with the spool's depth), for load balancers
/// and orchestrators.
struct HealthController: Sendable {
    /// Answers whether the database can take writes right now; must return quickly.
    let databaseIsReachable: @Sendable () async -> Bool
    /// The spool's figures and whether it can take writes now; nil when the service runs without one.
    var spoolStatus: (@Sendable () -> (statistics: SpoolStatistics, canTakeWrites: Bool))? = nil

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("/health") { _, _ in
            Self.json(.ok, ["status": "ok"])
        }
        router.get("/ready") { _, _ in
            if let spoolStatus {
                // Ready while MongoDB or the spool can take writes; the spool figures are always shown.
                let mongoUp = await databaseIsReachable()
                let (statistics, canTakeWrites) = spoolStatus()
                let ready = mongoUp || canTakeWrites
                let body: [String: Any] = [
                    "status": ready ? "ready" : "not_ready", "mongo": mongoUp ? "up" : "down",
                    "spool": [
                        "records": statistics.records, "bytes": statistics.bytes,
                        "oldestAgeSeconds": (statistics.oldestAgeSeconds * 1000).rounded() / 1000,
                    ] as [String: Any],
                ]
                let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
                return Response(
                    status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
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
