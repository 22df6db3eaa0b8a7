import Logging
import MongoDriver
import NIOPosix
import Synchronization

/// The MongoDB-backed `InteractionLog`: makes each `Interaction` durable in the `interactions`
/// collection with the pool's (journaled) write concern.
///
/// It exists to turn many small concurrent `record` calls into few bulk inserts (group commit):
/// a journaled write costs about the same for one document as for a thousand, so coalescing is
/// what lets durability keep up with traffic. All blocking libmongoc work runs on `threadPool`;
/// nothing blocks an event loop or Swift's cooperative pool.
///
/// Group commit: `record` queues its document. If fewer than `maxConcurrentFlushes` bulk inserts
/// are running, the caller starts one with everything queued (up to `maxBatchSize`); otherwise the
/// document waits, and the next flush to finish takes it together with everything else that
/// arrived meanwhile. No timers: under low load a document is written at once, under high load
/// batches grow by themselves. Each caller resumes only after its own document is acknowledged
/// (or failed): per-document errors from the bulk reply fail only their callers.
///
/// Size `threadPool` with at least `maxConcurrentFlushes + 1` threads so reads and pings are not
/// queued behind flushes for long (flushes re-queue themselves, so they cannot starve them).
public final class InteractionStore: InteractionLog, Sendable {
    /// The collection SPEC §4 names.
    public static let collectionName = "interactions"

    /// Where interactions are written; its thread pool runs every blocking call.
    public let database: MongoDatabase
    let logger: Logger
    /// Told about every bulk insert (documents, duration, how many were stored), for metrics.
    let flushObserver: FlushObserver?

    /// Receives `(batchSize, duration, storedCount)` after each bulk insert, on a thread-pool
    /// thread; must be quick and must not block.
    public typealias FlushObserver = @Sendable (_ batchSize: Int, _ duration: Duration, _ stored: Int) -> Void
    let queue: Mutex<GroupCommitQueue>
    /// Callers waiting for the ping in flight; `nil` when no ping is running.
    let pingWaiters = Mutex<[OneShotContinuation<Bool>]?>(nil)

    let flushCount = Atomic<Int>(0)
    let storedCount = Atomic<Int>(0)
    let failedCount = Atomic<Int>(0)
    let largestBatchSize = Atomic<Int>(0)

    /// - Parameters:
    ///   - database: the database holding `interactions` (`MONGODB_DATABASE`); its pool's URI decides
    ///     timeouts and write concern, its thread pool must be started and outlive the store's use.
    ///   - logger: for flush failures.
    ///   - maxBatchSize: most documents per bulk insert (default 1000).
    ///   - maxConcurrentFlushes: most bulk inserts in flight at once (default 2).
    public init(
        database: MongoDatabase, logger: Logger,
        maxBatchSize: Int = 1000, maxConcurrentFlushes: Int = 2, flushObserver: FlushObserver? = nil
    ) {
        self.database = database
        self.logger = logger
        self.flushObserver = flushObserver
        self.queue = Mutex(GroupCommitQueue(maxBatchSize: maxBatchSize, maxConcurrentFlushes: maxConcurrentFlushes))
    }

    /// Makes `interaction` durable; returns once MongoDB acknowledged it with the configured
    /// write concern. Cancelling the calling task does not withdraw the write.
    ///
    /// - Throws: `.unreachable` (connection/server selection/timeout: divert to the spool),
    ///   `.duplicateKey` (this `_id` is already stored), `.writeFailed`, `.invalidDocument`, `.shutdown`.
    public func record(_ interaction: Interaction) async throws(PersistenceError) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, PersistenceError>, Never>) in
            let write = PendingWrite(interaction: interaction, continuation: continuation)
            if let batch = queue.withLock({ $0.enqueue(write) }) {
                startFlush(batch)
            }
        }
        try result.get()
    }

    /// Counters for tests and metrics.
    public var statistics: InteractionStoreStatistics {
        InteractionStoreStatistics(
            flushes: flushCount.load(ordering: .relaxed),
            documentsStored: storedCount.load(ordering: .relaxed),
            documentsFailed: failedCount.load(ordering: .relaxed),
            largestBatch: largestBatchSize.load(ordering: .relaxed))
    }

    /// Returns once no write is queued or in flight. Used by shutdown to drain; writes recorded
    /// after this returns are not waited for.
    public func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if !queue.withLock({ $0.waitForIdle(continuation) }) {
                continuation.resume()
            }
        }
    }
}
