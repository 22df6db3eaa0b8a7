import MongoDriver
import Foundation
import Glibc
import Logging
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

    public let directory: String
    public let maxBytes: Int
    public let segmentBytes: Int
    /// What start-up recovery found.
    public let recovery: SpoolRecoveryReport
    let threadPool: NIOThreadPool
    let logger: Logger
    let state: Mutex<SpoolState>
    let lockDescriptor: Int32

    let syncCount = Atomic<Int>(0)
    let appendedCount = Atomic<Int>(0)
    let replayedCount = Atomic<Int>(0)
    let quarantinedCount = Atomic<Int>(0)

    init(
        directory: String, maxBytes: Int, segmentBytes: Int, threadPool: NIOThreadPool, logger: Logger,
        lockDescriptor: Int32, recovered: SpoolState, recovery: SpoolRecoveryReport
    ) {
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
        let active = state.withLock { $0.activeDescriptor }
        if active >= 0 { close(active) }
        close(lockDescriptor)
    }

    /// The path of segment `id`.
    func path(ofSegment id: UInt64) -> String {
        directory + "/" + SpoolSegment.fileName(id)
    }

    /// Makes `interaction` durable in the spool; returns once its record is fsync'd.
    /// (Tests append directly; the service appends through `SpoolingInteractionLog`.)
    ///
    /// - Throws: `.spoolFull`, `.spoolUnwritable`, `.invalidDocument` (too large), `.shutdown`.
    func append(_ interaction: Interaction) async throws(PersistenceError) {
        let payload = try Self.payload(of: interaction)
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, PersistenceError>, Never>) in
            enqueue(SpoolAppend(
                frame: SpoolFrame.encode(payload),
                requestedAtMilliseconds: BSONDocument.milliseconds(since1970: interaction.requestedAt),
                completion: { continuation.resume(returning: $0) }))
        }
        try result.get()
    }

    /// The BSON bytes of `interaction`'s SPEC §4 document.
    static func payload(of interaction: Interaction) throws(PersistenceError) -> [UInt8] {
        let document = interaction.bsonDocument()
        guard !document.hasFailedAppend, document.byteCount <= InteractionStore.maxDocumentBytes else {
            throw PersistenceError(
                code: .invalidDocument,
                message: "interaction \(interaction.id) is larger than MongoDB's 16 MiB document limit")
        }
        return document.bytes
    }

    /// Queues `append` for the next group commit, or fails it at once when the spool cannot take
    /// it. Synchronous and cheap, so `SpoolingInteractionLog` can call it under its own lock to
    /// keep the order of records equal to the order of its decisions.
    func enqueue(_ append: SpoolAppend) {
        enum Decision { case refuse(PersistenceError), queued, startFlush([SpoolAppend]) }
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
            message: "the spool at \(directory) is full (\(state.diskBytes + state.pendingBytes) of \(maxBytes) bytes, SPOOL_MAX_BYTES)")
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

    private func takePending(_ state: inout SpoolState) -> [SpoolAppend] {
        defer {
            state.pending = []
            state.pendingBytes = 0
        }
        return state.pending
    }

    /// Runs one group commit on the thread pool, wakes its callers, then takes the next batch.
    private func startFlush(_ batch: [SpoolAppend]) {
        threadPool.submit { [self] workState in
            let written: Int
            var failure: PersistenceError?
            switch workState {
            case .active:
                (written, failure) = write(batch)
            case .cancelled:
                written = 0
                failure = PersistenceError(code: .shutdown, message: "the persistence thread pool is shut down")
            }
            for append in batch.prefix(written) {
                append.complete(.success(()))
            }
            if let failure {
                for append in batch.dropFirst(written) {
                    append.complete(.failure(failure))
                }
            }
            let (next, waiters) = state.withLock { state -> ([SpoolAppend]?, [CheckedContinuation<Void, Never>]) in
                if !state.pending.isEmpty {
                    return (takePending(&state), [])
                }
                state.flushing = false
                defer { state.idleWaiters = [] }
                return (nil, state.idleWaiters)
            }
            for waiter in waiters { waiter.resume() }
            if let next { startFlush(next) }
        }
    }

    /// Writes `batch` to the active segment (rotating as needed) and fsyncs (BLOCKING). Returns how
    /// many leading appends are durable and, if not all, why the rest failed.
    private func write(_ batch: [SpoolAppend]) -> (Int, PersistenceError?) {
        var (descriptor, segment) = state.withLock { state -> (Int32, SpoolSegment?) in
            let last = state.segments.last
            return (state.activeDescriptor, last.map { $0.sealed ? nil : $0 } ?? nil)
        }
        var durable = 0
        var buffer: [UInt8] = []
        var bufferStart = 0
        do throws(PersistenceError) {
            for (index, append) in batch.enumerated() {
                let used = (segment?.length ?? 0) + buffer.count
                if segment == nil || (used > 0 && used + append.frame.count > segmentBytes) {
                    if var full = segment {
                        try commit(buffer, batch[bufferStart..<index], to: &full, descriptor: descriptor)
                        durable = index
                        buffer = []
                        bufferStart = index
                        full.sealed = true
                        close(descriptor)
                        state.withLock { state in
                            state.segments[state.segments.count - 1].sealed = true
                            state.activeDescriptor = -1
                        }
                        descriptor = -1
                    }
                    let fresh = try openNewSegment()
                    descriptor = fresh.descriptor
                    segment = fresh.segment
                }
                buffer.append(contentsOf: append.frame)
            }
            if var active = segment, !buffer.isEmpty {
                try commit(buffer, batch[bufferStart...], to: &active, descriptor: descriptor)
            }
            return (batch.count, nil)
        } catch {
            logger.error(
                "spool write failed; refusing spool appends for a while",
                metadata: ["error": "\(error)", "directory": "\(directory)"])
            sealAfterFailure(descriptor: descriptor, segment: segment)
            state.withLock { $0.unwritable = (ContinuousClock.now, error.message) }
            return (durable, error)
        }
    }

    /// Writes `bytes` (the frames of `appends`) at the end of `segment`, fsyncs, and publishes them.
    private func commit(
        _ bytes: [UInt8], _ appends: ArraySlice<SpoolAppend>, to segment: inout SpoolSegment, descriptor: Int32
    ) throws(PersistenceError) {
        guard !bytes.isEmpty else { return }
        let path = path(ofSegment: segment.id)
        try SpoolFiles.write(descriptor, bytes, at: segment.length, path: path)
        try SpoolFiles.sync(descriptor, path: path)
        syncCount.add(1, ordering: .relaxed)
        appendedCount.add(appends.count, ordering: .relaxed)
        segment.length += bytes.count
        segment.records += appends.count
        let updated = segment
        state.withLock { state in
            if let last = state.segments.indices.last, state.segments[last].id == updated.id {
                state.segments[last].length = updated.length
                state.segments[last].records += appends.count
            }
            state.diskBytes += bytes.count
            state.noteDurable(appends.map(\.requestedAtMilliseconds))
        }
    }

    /// Creates the next segment file, makes its directory entry durable, and publishes it.
    private func openNewSegment() throws(PersistenceError) -> (descriptor: Int32, segment: SpoolSegment) {
        let id = state.withLock { state -> UInt64 in
            defer { state.nextSegmentID += 1 }
            return state.nextSegmentID
        }
        let descriptor = try SpoolFiles.open(path(ofSegment: id), create: true)
        do throws(PersistenceError) {
            try SpoolFiles.truncate(descriptor, to: 0, path: path(ofSegment: id))
            try SpoolFiles.syncDirectory(directory)
        } catch {
            close(descriptor)
            throw error
        }
        let segment = SpoolSegment(id: id, length: 0, sealed: false, records: 0)
        state.withLock { state in
            state.segments.append(segment)
            state.activeDescriptor = descriptor
        }
        return (descriptor, segment)
    }

    /// After a failed write: cut the segment back to its durable length (best effort) and seal it,
    /// so the next append starts a fresh segment instead of writing after garbage.
    private func sealAfterFailure(descriptor: Int32, segment: SpoolSegment?) {
        guard descriptor >= 0, let segment else { return }
        try? SpoolFiles.truncate(descriptor, to: segment.length, path: path(ofSegment: segment.id))
        close(descriptor)
        state.withLock { state in
            if let last = state.segments.indices.last, state.segments[last].id == segment.id {
                state.segments[last].sealed = true
            }
            state.activeDescriptor = -1
        }
    }

    /// A snapshot for `/ready` and tests.
    public var statistics: SpoolStatistics {
        let (records, bytes, segments, oldest) = state.withLock { state in
            (state.records, state.diskBytes, state.segments.count, state.oldestRequestedAt)
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
