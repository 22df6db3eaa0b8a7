import MongoDriver
import Logging
import Synchronization

/// The `InteractionLog` the service runs with: MongoDB first, the disk spool when MongoDB is
/// unreachable, so a chat is answered 2xx whenever its interaction is durable in either.
///
/// Routing: in direct mode `record` writes to the `InteractionStore`; a failure that means "the
/// database is unreachable" (and only that: not a duplicate key, validation or size error) flips
/// the log into spooling mode and the interaction is appended to the spool instead. In spooling
/// mode every new interaction goes straight to the spool, without touching MongoDB, until the
/// drainer (`SpoolDrainerService`) has replayed everything and calls `leaveSpoolingIfDrained()`;
/// so documents reach MongoDB in the order they were recorded, and a dead database costs one
/// failed write, not one per request. The mode and the spool's queue change under one lock
/// (this log's, then the spool's), so no record can slip between "spool is empty" and "direct".
///
/// Starting with a non-empty spool (after a crash or an outage that outlived the process) starts
/// in spooling mode.
public final class SpoolingInteractionLog: InteractionLog, Sendable {
    /// The server selection timeout the service's pool uses when `MONGODB_URI` sets none: short,
    /// so the requests in flight when MongoDB dies wait at most this long before being spooled.
    public static let writePathServerSelectionTimeoutMS: Int32 = 1000

    public let store: InteractionStore
    public let spool: InteractionSpool
    let logger: Logger
    /// True while interactions go to the spool.
    private let spooling: Mutex<Bool>

    public init(store: InteractionStore, spool: InteractionSpool, logger: Logger) {
        self.store = store
        self.spool = spool
        self.logger = logger
        self.spooling = Mutex(!spool.isEmpty)
    }

    /// Whether new interactions currently go to the spool (MongoDB was found unreachable and the
    /// drainer has not caught up yet).
    public var isSpooling: Bool { spooling.withLock { $0 } }

    /// Makes `interaction` durable in MongoDB or, while MongoDB is unreachable, in the spool.
    ///
    /// - Throws: `.spoolFull` / `.spoolUnwritable` when MongoDB is unreachable and the spool
    ///   cannot take it; MongoDB's own non-reachability errors (`.duplicateKey`, `.writeFailed`,
    ///   `.invalidDocument`) unchanged.
    public func record(_ interaction: Interaction) async throws(PersistenceError) {
        if let result = await appendIfSpooling(interaction, startSpooling: nil) {
            return try result.get()
        }
        do {
            try await store.record(interaction)
        } catch where error.isUnreachable {
            if let result = await appendIfSpooling(interaction, startSpooling: error) {
                return try result.get()
            }
        }
    }

    /// Appends `interaction` to the spool if the log is spooling, or starts spooling first when
    /// `startSpooling` (the MongoDB failure) is given. Returns nil when the caller should write
    /// to MongoDB instead.
    private func appendIfSpooling(
        _ interaction: Interaction, startSpooling cause: PersistenceError?
    ) async -> Result<Void, PersistenceError>? {
        // Fast path while MongoDB is up: the same decision the locked block below makes for
        // "not spooling and no failure", taken before paying for a spool record (BSON + CRC).
        if cause == nil, !spooling.withLock({ $0 }) { return nil }
        let payload: [UInt8]
        do throws(PersistenceError) {
            payload = try InteractionSpool.payload(of: interaction)
        } catch {
            return .failure(error)
        }
        let frame = SpoolFrame.encode(payload)
        let requestedAt = BSONDocument.milliseconds(since1970: interaction.requestedAt)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, PersistenceError>?, Never>) in
            let inner = SpoolAppend(frame: frame, requestedAtMilliseconds: requestedAt, completion: { continuation.resume(returning: $0) })
            let (queued, started) = spooling.withLock { spooling -> (Bool, Bool) in
                var started = false
                if !spooling {
                    guard cause != nil else { return (false, false) }
                    spooling = true
                    started = true
                }
                spool.enqueue(inner)
                return (true, started)
            }
            if started, let cause {
                logger.warning(
                    "MongoDB is unreachable: spooling interactions to disk until it is back",
                    metadata: ["error": "\(cause)", "spool": "\(spool.directory)"])
            }
            if !queued { continuation.resume(returning: nil) }
        }
    }

    /// Throws when MongoDB is known to be down (the log is spooling) and the spool cannot take a
    /// record now. Cheap: one lock, no I/O.
    public func checkAdmission() throws(PersistenceError) {
        guard isSpooling, let refusal = spool.admissionRefusal() else { return }
        throw refusal
    }

    /// Called by the drainer: if the spool has been replayed completely and nothing is being
    /// appended, switch back to writing to MongoDB directly. Returns the emptied segments'
    /// paths to delete (nil when not caught up yet).
    func leaveSpoolingIfDrained() -> [String]? {
        spooling.withLock { spooling -> [String]? in
            guard let paths = spool.closeIfDrained() else { return nil }
            spooling = false
            return paths
        }
    }
}
