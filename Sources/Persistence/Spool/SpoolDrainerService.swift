import Logging
import ServiceLifecycle

/// Replays the spool into MongoDB: the background half of SPEC §5's durability promise.
///
/// While `SpoolingInteractionLog` is spooling, it probes MongoDB (`ping`) with exponential
/// back-off (`initialProbeDelay` doubling to `maxProbeDelay`, with jitter); once MongoDB answers
/// it replays the spool oldest first in ordered bulk inserts of `batchSize` documents, treating a
/// duplicate key as "already stored", acknowledging exactly the prefix MongoDB accepted (a segment
/// is deleted only when all of it is acknowledged), and quarantining a record MongoDB rejects for
/// good. When the spool is empty it switches the log back to direct writes. A spool left by an
/// earlier run is drained the same way, since the log starts in spooling mode then.
///
/// Place it after `InteractionStoreService` in the service list: it stops (between batches)
/// right after the HTTP server has drained, waits for queued spool appends to be fsync'd, and
/// the store and thread pool close after it.
public struct SpoolDrainerService: Service {
    public let log: SpoolingInteractionLog
    public var batchSize: Int
    public var initialProbeDelay: Duration
    public var maxProbeDelay: Duration
    /// How often an idle drainer checks whether spooling has started (a lock read, no I/O).
    public var idlePollInterval: Duration

    public init(
        log: SpoolingInteractionLog, batchSize: Int = 1000, initialProbeDelay: Duration = .milliseconds(100),
        maxProbeDelay: Duration = .seconds(2), idlePollInterval: Duration = .milliseconds(100)
    ) {
        self.log = log
        self.batchSize = max(1, batchSize)
        self.initialProbeDelay = initialProbeDelay
        self.maxProbeDelay = maxProbeDelay
        self.idlePollInterval = idlePollInterval
    }

    private var logger: Logger { log.logger }
    private var spool: InteractionSpool { log.spool }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await drainWhileRunning()
        }
        await spool.waitUntilIdle()
        let statistics = spool.statistics
        if statistics.records > 0 {
            logger.notice(
                "shutting down with interactions still in the spool; they are replayed at the next start",
                metadata: ["records": "\(statistics.records)", "bytes": "\(statistics.bytes)"])
        }
    }

    /// The probe/drain loop, until the task is cancelled (graceful shutdown).
    func drainWhileRunning() async {
        var delay = initialProbeDelay
        while !Task.isCancelled {
            guard log.isSpooling else {
                try? await Task.sleep(for: idlePollInterval)
                continue
            }
            guard await log.store.ping(timeout: .seconds(2)) else {
                let jittered = delay * Double.random(in: 0.5...1.0)
                try? await Task.sleep(for: jittered)
                delay = min(delay * 2, maxProbeDelay)
                continue
            }
            delay = initialProbeDelay
            await drain()
        }
    }

    /// Replays until the spool is empty (then leaves spooling mode), MongoDB fails again, or
    /// shutdown begins.
    private func drain() async {
        let started = ContinuousClock.now
        let waiting = spool.statistics.records
        logger.notice("MongoDB answers again: draining the spool", metadata: ["records": "\(waiting)"])
        var replayed = 0
        func finished(_ message: Logger.Message, _ extra: Logger.Metadata = [:]) {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            var metadata: Logger.Metadata = [
                "replayed": "\(replayed)", "duration_s": "\((seconds * 1000).rounded() / 1000)",
                "records_left": "\(spool.statistics.records)",
            ]
            metadata.merge(extra) { $1 }
            logger.notice(message, metadata: metadata)
        }
        while !Task.isCancelled {
            let batch: SpoolBatch?
            do {
                batch = try await spool.readBatch(maxRecords: batchSize)
            } catch {
                finished("draining the spool stopped: cannot read it", ["error": "\(error)"])
                try? await Task.sleep(for: maxProbeDelay)
                return
            }
            guard let batch else {
                if let paths = log.leaveSpoolingIfDrained() {
                    await spool.remove(paths)
                    finished("spool drained: writing to MongoDB directly again")
                    return
                }
                // Appends are still being fsync'd (requests in flight): let them land.
                try? await Task.sleep(for: .milliseconds(2))
                continue
            }
            guard !batch.records.isEmpty else { continue }
            let outcome = await log.store.replay(batch.records.map(\.payload))
            spool.acknowledge(batch, through: outcome.acknowledged)
            replayed += outcome.acknowledged
            if let rejected = outcome.rejected {
                await spool.quarantine(batch, index: rejected.index, because: rejected.error)
                continue
            }
            if let error = outcome.stoppedBy {
                finished("draining the spool interrupted: MongoDB failed again", ["error": "\(error)"])
                return
            }
        }
        finished("draining the spool paused for shutdown")
    }
}
