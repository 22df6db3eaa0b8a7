import Logging
import ServiceLifecycle
import Tracing

/// Ships the write-ahead log to MongoDB: the background half of SPEC §5.
///
/// It takes the oldest unshipped records (from memory while it keeps up, from the files after a
/// restart or when behind) and inserts them in order with one ordered, journaled bulk insert per
/// run of up to `batchSize`, treating a duplicate key as "already stored" (a replay after a crash)
/// and acknowledging exactly the prefix MongoDB accepted; a segment file is deleted once all of it
/// is acknowledged. A record MongoDB rejects for good is quarantined. When MongoDB is unreachable
/// it probes with `ping` (back-off from `initialProbeDelay` to `maxProbeDelay`, with jitter) and
/// resumes where it stopped; meanwhile `DURABILITY=mongo` callers are answered after the fsync.
///
/// Place it after `InteractionStoreService`: services stop in reverse order, so the HTTP server
/// drains first, then this ships what MongoDB takes within `shutdownShippingTime`; the rest ships
/// at the next start.
public struct LogShipperService: Service {
    public let log: WriteAheadInteractionLog
    public var batchSize: Int
    public var initialProbeDelay: Duration
    public var maxProbeDelay: Duration
    /// How long shutdown keeps shipping before leaving the rest for the next start.
    public var shutdownShippingTime: Duration
    /// In `disk` and `process` modes, how long the shipper lets records gather before a shipment
    /// that would carry fewer than `gatherRecords` (nobody waits for it there; in `mongo` mode
    /// the callers do, so it ships at once). Each shipment is a thread-pool hop and an
    /// `insert_many` (~90,000 instructions here, and a server round trip), so under load one
    /// shipment of ten costs a tenth of ten shipments of one; the shipping lag grows by at most this.
    public var gatherTime: Duration
    /// The shipment size from which the shipper stops gathering.
    public static let gatherRecords = 64
    /// Told about every shipment: records sent, how long MongoDB took, how many it acknowledged.
    public var shipmentObserver: (@Sendable (_ records: Int, _ duration: Duration, _ acknowledged: Int) -> Void)?
    /// Set while MongoDB refuses the writes (credentials, namespace), for `/ready`.
    public var refusal: MongoWriteRefusal

    public init(
        log: WriteAheadInteractionLog, batchSize: Int = 1000, initialProbeDelay: Duration = .milliseconds(100),
        maxProbeDelay: Duration = .seconds(2), shutdownShippingTime: Duration = .seconds(3),
        gatherTime: Duration = .milliseconds(10),
        shipmentObserver: (@Sendable (_ records: Int, _ duration: Duration, _ acknowledged: Int) -> Void)? = nil,
        refusal: MongoWriteRefusal = MongoWriteRefusal()
    ) {
        self.refusal = refusal
        self.log = log
        self.batchSize = max(1, batchSize)
        self.initialProbeDelay = initialProbeDelay
        self.maxProbeDelay = maxProbeDelay
        self.shutdownShippingTime = shutdownShippingTime
        self.gatherTime = gatherTime
        self.shipmentObserver = shipmentObserver
    }

    private var logger: Logger { log.logger }
    private var spool: InteractionSpool { log.spool }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await releaseLateWaitersWhileRunning() }
            await cancelWhenGracefulShutdown {
                await withTaskCancellationHandler {
                    await shipWhileRunning(until: nil)
                } onCancel: {
                    spool.stopWaiting()
                }
            }
            group.cancelAll()
        }
        // The server has drained: flush what it appended, then ship for a few seconds more.
        await spool.waitUntilIdle()
        let deadline = ContinuousClock.now + shutdownShippingTime
        await shipWhileRunning(until: deadline)
        let left = spool.shippingLag.records
        if left > 0 {
            logger.notice(
                "shutting down with interactions not yet in MongoDB; they ship at the next start",
                metadata: ["records": "\(left)", "bytes": "\(spool.statistics.bytes)"])
        }
    }

    /// Releases `DURABILITY=mongo` callers that waited too long for MongoDB, every 100 ms.
    private func releaseLateWaitersWhileRunning() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            if spool.releaseShipWaiters(olderThan: WriteAheadInteractionLog.mongoAcknowledgementTimeout) > 0 {
                spool.setMongoAcknowledges(false)
            }
        }
    }

    /// Ships until cancelled (or, with a deadline, until everything is shipped or it passes).
    func shipWhileRunning(until deadline: ContinuousClock.Instant?) async {
        var delay = initialProbeDelay
        var down = false
        while deadline.map({ ContinuousClock.now < $0 }) ?? !Task.isCancelled {
            if deadline == nil {
                await spool.waitForRecordsToShip()
                if Task.isCancelled { return }
                if log.durability != .mongo, gatherTime > .zero,
                    spool.shippingLag.records < min(batchSize, Self.gatherRecords)
                {
                    try? await Task.sleep(for: gatherTime)
                }
            } else if spool.shippingLag.records == 0 {
                return
            }
            if down {
                guard await log.store.ping(timeout: .seconds(2)) else {
                    try? await Task.sleep(for: delay * Double.random(in: 0.5...1.0))
                    delay = min(delay * 2, maxProbeDelay)
                    continue
                }
                down = false
                logger.notice(
                    "MongoDB answers again: shipping the write-ahead log",
                    metadata: ["records": "\(spool.shippingLag.records)"])
            }
            switch await shipOnce() {
            case .shipped:
                delay = initialProbeDelay
                if refusal.clear() {
                    logger.notice("MongoDB takes the service's writes again: shipping the write-ahead log")
                }
            case .nothing:
                continue
            case .mongoUnavailable(let error) where error.isMongoRefusal:
                if refusal.set(error) {
                    logger.error(
                        "MongoDB refuses the service's writes (credentials, privileges or namespace): interactions stay in the write-ahead log until an operator fixes it",
                        metadata: ["error": "\(error)", "log": "\(spool.directory)"])
                }
                spool.setMongoAcknowledges(false)
                try? await Task.sleep(for: maxProbeDelay * Double.random(in: 0.5...1.0))
            case .mongoUnavailable(let error):
                if !down {
                    logger.warning(
                        "MongoDB is not taking writes: interactions stay in the write-ahead log until it does",
                        metadata: ["error": "\(error)", "log": "\(spool.directory)"])
                }
                down = true
                spool.setMongoAcknowledges(false)
                try? await Task.sleep(for: delay * Double.random(in: 0.5...1.0))
                delay = min(delay * 2, maxProbeDelay)
            case .logUnreadable(let error):
                logger.error("cannot read the write-ahead log to ship it", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: maxProbeDelay)
            }
        }
    }

    private enum ShipmentResult {
        case shipped
        case nothing
        case mongoUnavailable(PersistenceError)
        case logUnreadable(PersistenceError)
    }

    /// One shipment: the next run of records, inserted, acknowledged.
    private func shipOnce() async -> ShipmentResult {
        let batch: SpoolBatch?
        do {
            batch = try await spool.nextShipment(maxRecords: batchSize)
        } catch {
            return .logUnreadable(error)
        }
        guard let batch, !batch.records.isEmpty else {
            // Counted records that are not readable yet (damage being stepped over): let it settle.
            try? await Task.sleep(for: .milliseconds(5))
            return .nothing
        }
        let started = ContinuousClock.now
        // One root span per shipment (no request is waiting on it); free when no tracer is set up.
        let span = InstrumentationSystem.tracer.startSpan("mongodb ship", context: .topLevel, ofKind: .client)
        let outcome = await log.store.replay(batch.records.map(\.payload))
        if span.isRecording {
            span.attributes["chat.ship.records"] = batch.records.count
            span.attributes["chat.ship.acknowledged"] = outcome.acknowledged
            if outcome.stoppedBy != nil || outcome.rejected != nil { span.setStatus(SpanStatus(code: .error)) }
        }
        span.end()
        shipmentObserver?(batch.records.count, ContinuousClock.now - started, outcome.acknowledged)
        spool.acknowledge(batch, through: outcome.acknowledged)
        // A sealed segment shipped to its end is deleted now, not when the next record arrives.
        try? await spool.deleteDrainedSegments()
        if let rejected = outcome.rejected {
            await spool.quarantine(batch, index: rejected.index, because: rejected.error)
            return .shipped
        }
        if let error = outcome.stoppedBy {
            return .mongoUnavailable(error)
        }
        spool.setMongoAcknowledgesIfNeeded()
        return .shipped
    }
}
