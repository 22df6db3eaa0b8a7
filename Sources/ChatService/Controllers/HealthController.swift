import HTTPTypes
import Hummingbird
import Persistence

/// `GET /health` (the process is up; no I/O) and `GET /ready` (the local write-ahead log can take
/// writes; with MongoDB up or down, the log's depth and the shipping lag), for load balancers and
/// orchestrators. Calls are answered whenever the log takes them, so MongoDB being down does not
/// make the service unready.
struct HealthController: Sendable {
    /// Answers whether the database can take writes right now; must return quickly.
    let databaseIsReachable: @Sendable () async -> Bool
    /// Why MongoDB refuses the service's writes (credentials, namespace), or `nil`.
    let mongoRefusal: @Sendable () -> String?
    /// The log's figures and whether it can take writes now.
    let spoolStatus: @Sendable () -> (statistics: SpoolStatistics, canTakeWrites: Bool)
    /// Records not yet in MongoDB and the age of the oldest, in seconds.
    let shippingLag: @Sendable () -> (records: Int, seconds: Double)

    struct Health: Encodable {
        var status = "ok"
    }

    struct Readiness: Encodable {
        var status: String
        var mongo: String
        /// Set while MongoDB refuses the writes: why (issue 14 row 6).
        var mongoError: String?
        var spool: Spool
        var lag: Lag

        /// What is in the log and not yet in MongoDB.
        struct Lag: Encodable {
            var records: Int
            var seconds: Double
        }

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
        // Load balancers probe with HEAD: the same status and headers, no body (issue 14 row 12).
        router.head("/health") { _, _ in
            let full = try JSONResponse.make(.ok, Health())
            return Response(status: full.status, headers: full.headers)
        }
        router.get("/ready") { _, _ in
            // Ready while the log can take writes; MongoDB's state and the figures are always shown.
            // A MongoDB that refuses the writes will not come back by itself: not ready.
            let mongoUp = await databaseIsReachable()
            let refusal = mongoRefusal()
            let (statistics, canTakeWrites) = spoolStatus()
            let lag = shippingLag()
            let ready = canTakeWrites && refusal == nil
            return try JSONResponse.make(
                ready ? .ok : .serviceUnavailable,
                Readiness(
                    status: ready ? "ready" : "not_ready",
                    mongo: refusal != nil ? "refusing_writes" : mongoUp ? "up" : "down", mongoError: refusal,
                    spool: .init(
                        records: statistics.records, bytes: statistics.bytes,
                        oldestAgeSeconds: (statistics.oldestAgeSeconds * 1000).rounded() / 1000),
                    lag: .init(records: lag.records, seconds: (lag.seconds * 1000).rounded() / 1000)))
        }
    }
}
