import HTTPTypes
import Hummingbird
import Persistence

/// `GET /health` (the process is up; no I/O) and `GET /ready` (MongoDB answers a ping within a
/// short timeout, or the disk spool can take writes; with the spool's depth), for load balancers
/// and orchestrators.
struct HealthController: Sendable {
    /// Answers whether the database can take writes right now; must return quickly.
    let databaseIsReachable: @Sendable () async -> Bool
    /// The spool's figures and whether it can take writes now.
    let spoolStatus: @Sendable () -> (statistics: SpoolStatistics, canTakeWrites: Bool)

    struct Health: Encodable {
        var status = "ok"
    }

    struct Readiness: Encodable {
        var status: String
        var mongo: String
        var spool: Spool

        struct Spool: Encodable {
            var records: Int
            var bytes: Int
            var oldestAgeSeconds: Double
        }
    }

    func addRoutes(to router: Router<ChatRequestContext>) {
        router.get("/health") { _, _ in
            try JSONResponse.make(.ok, Health())
        }
        router.get("/ready") { _, _ in
            // Ready while MongoDB or the spool can take writes; the spool figures are always shown.
            let mongoUp = await databaseIsReachable()
            let (statistics, canTakeWrites) = spoolStatus()
            let ready = mongoUp || canTakeWrites
            return try JSONResponse.make(
                ready ? .ok : .serviceUnavailable,
                Readiness(
                    status: ready ? "ready" : "not_ready", mongo: mongoUp ? "up" : "down",
                    spool: .init(
                        records: statistics.records, bytes: statistics.bytes,
                        oldestAgeSeconds: (statistics.oldestAgeSeconds * 1000).rounded() / 1000)))
        }
    }
}
