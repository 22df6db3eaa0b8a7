import Foundation
import Glibc
import Logging
import MongoDriver
import NIOPosix
import Synchronization

/// The durable disk spool of SPEC §5: where interactions go while MongoDB is unreachable, so a
/// chat can still be answered 2xx, and from where the drainer replays them once it is back.
///
/// Layout: append-only segment files `segment-<16 digits>.spool` under `directory`, each a run of
/// `SpoolFrame` records (length, CRC-32C, BSON). Appends go to the last segment until it would pass
/// `segmentBytes`, then a new one is started; a segment is deleted once every record in it has been
/// acknowledged by MongoDB. Damaged records found at start-up are copied to `quarantine/` and
/// removed from their segment; a torn tail is cut off. A `LOCK` file (flock) keeps a second
/// process off the same directory.
///
/// Group commit: `append` queues its framed record; if no flush is running it starts one on the
/// thread pool, which writes everything queued with one `pwrite` and one `fsync` (two when the
/// segment rotates), then takes whatever arrived meanwhile. A caller returns only after its own
/// record is fsync'd. All file I/O runs on `threadPool`, never on the cooperative pool.
///
/// Bounds: an append that would take the segment files past `maxBytes` is refused with
/// `.spoolFull`; after a write or fsync failure, appends are refused with `.spoolUnwritable` for
/// `unwritableCoolDown`, then tried again.
public final class InteractionSpool: Sendable {
    /// The default segment size: big enough that rotation is rare, small enough that a drained
    /// segment frees space soon.
    public static let defaultSegmentBytes = 64 * 1024 * 1024
    /// How long appends are refused after a failed write before the disk is tried again.
    public static let unwritableCoolDown: Duration = .seconds(5)
    /// MongoDB's maximum document size (`maxBsonObjectSize`, 16 MiB on every current server).
    static let maxDocumentBytes = 16 * 1024 * 1024
    /// The longest a record written with `DURABILITY=process` stays un-fsync'd under continuous
    /// load (SPEC §5 allows 50 ms; without load it is fsync'd right after the write).
    static let maxUnsyncedInterval: Duration = .milliseconds(20)
    /// How many bytes of just-written records are kept in memory for the shipper.
    static let shipQueueMaxBytes = 8 * 1024 * 1024

    public let directory: String
    public let maxBytes: Int
    public let segmentBytes: Int
    /// What start-up recovery found.
    public let recovery: SpoolRecoveryReport
    let threadPool: NIOThreadPool
    let logger: Logger
    let state: Mutex<SpoolState>
    let lockDescriptor: Int32
    let filesClosed = Atomic<Bool>(false)

    /// Told the duration of every fsync of the log (for the fsync latency histogram).
    let syncObserver: (@Sendable (Duration) -> Void)?
    let syncCount = Atomic<Int>(0)
    let appendedCount = Atomic<Int>(0)
    let replayedCount = Atomic<Int>(0)
    let quarantinedCount = Atomic<Int>(0)

    init(
        directory: String, maxBytes: Int, segmentBytes: Int, threadPool: NIOThreadPool, logger: Logger,
        lockDescriptor: Int32, recovered: SpoolState, recovery: SpoolRecoveryReport,
        syncObserver: (@Sendable (Duration) -> Void)? = nil
    ) {
        self.syncObserver = syncObserver
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = max(SpoolFrame.headerSize + SpoolFrame.minPayloadSize, segmentBytes)
        self.threadPool = threadPool
        self.logger = logger
        self.lockDescriptor = lockDescriptor
        self.state = Mutex(recovered)
        self.recovery = recovery
        quarantinedCount.store(recovery.quarantined.count, ordering: .relaxed)
    }

    deinit {
        closeFiles()
    }

    /// Closes the active segment and releases the directory lock, as a process exit would; the
    /// log takes no more appends. Idempotent. Used at release and by tests that simulate a crash.
    func closeFiles() {
        guard !filesClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let active = state.withLock { state -> Int32 in
            defer { state.activeDescriptor = -1 }
            return state.activeDescriptor
        }
        if active >= 0 { close(active) }
        close(lockDescriptor)
    }

    /// The path of segment `id`.
    func path(ofSegment id: UInt64) -> String {
        directory + "/" + SpoolSegment.fileName(id)
    }

    /// Appends `payload` (one interaction's BSON) and returns where its record ends, once it is
    /// written (`.written`) or fsync'd (`.synced`).
    ///
    /// - Throws: `.spoolFull`, `.spoolUnwritable`, `.shutdown`.
    func append(
        payload: [UInt8], requestedAtMilliseconds: Int64, acknowledgement: SpoolAppend.Acknowledgement
    ) async throws(PersistenceError) -> SpoolPosition {
        let frame = SpoolFrame.encode(payload)
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<SpoolPosition, PersistenceError>, Never>) in
            enqueue(
                SpoolAppend(
                    frame: frame, requestedAtMilliseconds: requestedAtMilliseconds, acknowledgement: acknowledgement,
                    completion: { continuation.resume(returning: $0) }))
        }
        return try result.get()
    }

    /// Makes `interaction` durable in the log; returns once its record is fsync'd.
    /// (Tests append directly; the service appends through `WriteAheadInteractionLog`.)
    func append(_ interaction: Interaction) async throws(PersistenceError) {
        _ = try await append(
            payload: try Self.payload(of: interaction),
            requestedAtMilliseconds: BSONDocument.milliseconds(since1970: interaction.requestedAt),
            acknowledgement: .synced)
    }

    /// The BSON bytes of `interaction`'s SPEC §4 document.
    static func payload(of interaction: Interaction) throws(PersistenceError) -> [UInt8] {
        let document = interaction.bsonDocument()
        guard !document.hasFailedAppend, document.byteCount <= Self.maxDocumentBytes else {
            throw PersistenceError(
                code: .invalidDocument,
                message: "interaction \(interaction.id) is larger than MongoDB's 16 MiB document limit")
        }
        return document.bytes
    }

    /// Queues `append` for the next group commit, or fails it at once when the log cannot take it.
    func enqueue(_ append: SpoolAppend) {
        enum Decision {
            case refuse(PersistenceError)
            case queued
            case startFlush([SpoolAppend])
        }
        let decision = state.withLock { state -> Decision in
            if let refusal = refusal(&state, adding: append.frame.count) {
                return .refuse(refusal)
            }
            state.pending.append(append)
            state.pendingBytes += append.frame.count
            guard !state.flushing else { return .queued }
            state.flushing = true
            return .startFlush(takePending(&state))
        }
        switch decision {
        case .refuse(let error): append.complete(.failure(error))
        case .queued: break
        case .startFlush(let batch): startFlush(batch)
        }
    }

    /// Why an append of `bytes` more would be refused right now, or nil if it is welcome.
    private func refusal(_ state: inout SpoolState, adding bytes: Int) -> PersistenceError? {
        if let unwritable = state.unwritable {
            if ContinuousClock.now - unwritable.since < Self.unwritableCoolDown {
                return PersistenceError(
                    code: .spoolUnwritable, message: "the spool at \(directory) is not writable: \(unwritable.reason)")
            }
            state.unwritable = nil
        }
        if state.diskBytes + state.pendingBytes + bytes > maxBytes {
            state.refusedForRoom = true
            return fullError(state)
        }
        return nil
    }

    private func fullError(_ state: SpoolState) -> PersistenceError {
        PersistenceError(
            code: .spoolFull,
            message:
                "the spool at \(directory) is full (\(state.diskBytes + state.pendingBytes) of \(maxBytes) bytes, SPOOL_MAX_BYTES)"
        )
    }

    /// The cheap admission check: why a new interaction could not be spooled now (full, or
    /// unwritable within the cool-down), or nil if it could. No I/O, no waiting.
    public func admissionRefusal() -> PersistenceError? {
        state.withLock { state -> PersistenceError? in
            if let unwritable = state.unwritable, ContinuousClock.now - unwritable.since < Self.unwritableCoolDown {
                return PersistenceError(
                    code: .spoolUnwritable, message: "the spool at \(directory) is not writable: \(unwritable.reason)")
            }
            if state.refusedForRoom || state.diskBytes + state.pendingBytes >= maxBytes {
                return fullError(state)
            }
            return nil
        }
    }

    func takePending(_ state: inout SpoolState) -> [SpoolAppend] {
        defer {
            state.pending = []
            state.pendingBytes = 0
        }
        return state.pending
    }

    /// A snapshot for `/ready` and tests.
    public var statistics: SpoolStatistics {
        let (records, bytes, segments, oldest) = state.withLock { state in
            (state.records, state.diskBytes, state.segments.count, state.oldestLoggedAt)
        }
        let nowMilliseconds = BSONDocument.milliseconds(since1970: .now)
        return SpoolStatistics(
            records: records, bytes: bytes,
            oldestAgeSeconds: oldest.map { max(0, Double(nowMilliseconds - $0) / 1000) } ?? 0,
            segments: segments,
            appendSyncs: syncCount.load(ordering: .relaxed),
            appended: appendedCount.load(ordering: .relaxed),
            replayed: replayedCount.load(ordering: .relaxed),
            quarantined: quarantinedCount.load(ordering: .relaxed))
    }

    /// Whether no record waits to be replayed and no append is queued or being written.
    public var isEmpty: Bool { state.withLock { $0.isEmpty } }

    /// Returns once no append is queued or being written.
    public func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state -> Bool in
                guard state.flushing || !state.pending.isEmpty else { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
