import Foundation
import Glibc
import Logging
import MongoDriver
import NIOPosix
import Synchronization

/// The log's writer: group commit on the thread pool. One flush runs at a time; it writes every
/// queued record with one `pwrite`, then either fsyncs and answers its callers (`.synced`) or
/// answers them at once and leaves the fsync for right after (`.written`, `DURABILITY=process`:
/// fsync'd as soon as the writer is idle, and at most `maxUnsyncedInterval` later under load).
extension InteractionSpool {
    /// Runs one group commit on the thread pool, then takes the next batch (or the deferred fsync).
    /// Each batch is a new work item, so other work queued on the pool gets its turn in between.
    func startFlush(_ batch: [SpoolAppend]) {
        threadPool.submit { [self] workState in
            guard case .active = workState else {
                let error = PersistenceError(code: .shutdown, message: "the persistence thread pool is shut down")
                for append in batch { append.complete(.failure(error)) }
                continueFlushing()
                return
            }
            if let since = state.withLock({ $0.unsyncedSince }), ContinuousClock.now - since >= Self.maxUnsyncedInterval
            {
                syncUnsynced()
            }
            write(batch)
            continueFlushing()
        }
    }

    /// After a batch: the next one, else the deferred fsync, else idle.
    private func continueFlushing() {
        enum Next {
            case batch([SpoolAppend])
            case sync
            case idle([CheckedContinuation<Void, Never>])
        }
        let next = state.withLock { state -> Next in
            if !state.pending.isEmpty { return .batch(takePending(&state)) }
            if state.unsyncedSince != nil, state.activeDescriptor >= 0 { return .sync }
            state.flushing = false
            defer { state.idleWaiters = [] }
            return .idle(state.idleWaiters)
        }
        switch next {
        case .batch(let batch):
            startFlush(batch)
        case .sync:
            threadPool.submit { [self] _ in
                syncUnsynced()
                continueFlushing()
            }
        case .idle(let waiters):
            for waiter in waiters { waiter.resume() }
        }
    }

    /// fsyncs the active segment for records already answered (`DURABILITY=process`). A failure
    /// is logged and makes the log refuse appends for a while; those callers have their answer.
    private func syncUnsynced() {
        let (descriptor, id) = state.withLock { state in (state.activeDescriptor, state.segments.last?.id ?? 0) }
        guard descriptor >= 0 else { return }
        do throws(PersistenceError) {
            try sync(descriptor, path: path(ofSegment: id))
            state.withLock { $0.unsyncedSince = nil }
        } catch {
            logger.error(
                "fsync of the write-ahead log failed after its callers were answered (DURABILITY=process)",
                metadata: ["error": "\(error)", "directory": "\(directory)"])
            state.withLock { $0.unwritable = (ContinuousClock.now, error.message) }
        }
    }

    /// One timed fsync.
    private func sync(_ descriptor: Int32, path: String) throws(PersistenceError) {
        let started = ContinuousClock.now
        try SpoolFiles.sync(descriptor, path: path)
        syncCount.add(1, ordering: .relaxed)
        syncObserver?(ContinuousClock.now - started)
    }

    /// Writes `batch` to the active segment (rotating as needed), fsyncs as the appends ask, and
    /// answers every append: with where its record ends, or with why it is not in the log.
    private func write(_ batch: [SpoolAppend]) {
        var (descriptor, segment, written) = state.withLock { state -> (Int32, SpoolSegment?, Int) in
            let last = state.segments.last
            return (state.activeDescriptor, last.map { $0.sealed ? nil : $0 } ?? nil, state.activeWritten)
        }
        var buffer: [UInt8] = []
        var pieceStart = 0
        var ends: [SpoolPosition] = []
        ends.reserveCapacity(batch.count)
        do throws(PersistenceError) {
            for (index, append) in batch.enumerated() {
                if segment == nil
                    || (written + buffer.count > 0 && written + buffer.count + append.frame.count > segmentBytes)
                {
                    if let full = segment {
                        let path = path(ofSegment: full.id)
                        try SpoolFiles.write(descriptor, buffer, at: written, path: path)
                        written += buffer.count
                        try sync(descriptor, path: path)
                        publish(batch[pieceStart..<index], ends: ends[pieceStart..<index], synced: true)
                        pieceStart = index
                        close(descriptor)
                        state.withLock { state in
                            state.segments[state.segments.count - 1].sealed = true
                            state.activeDescriptor = -1
                            state.unsyncedSince = nil
                        }
                        descriptor = -1
                    }
                    (descriptor, segment) = try openNewSegment()
                    written = 0
                    buffer = []
                    pieceStart = index
                }
                buffer.append(contentsOf: append.frame)
                ends.append(SpoolPosition(segment: segment?.id ?? 0, offset: written + buffer.count))
            }
            guard let active = segment, !buffer.isEmpty else { return }
            let path = path(ofSegment: active.id)
            try SpoolFiles.write(descriptor, buffer, at: written, path: path)
            written += buffer.count
            state.withLock { $0.activeWritten = written }
            let piece = batch[pieceStart...]
            if piece.contains(where: { $0.acknowledgement == .synced }) {
                try sync(descriptor, path: path)
                publish(piece, ends: ends[pieceStart...], synced: true)
            } else {
                publish(piece, ends: ends[pieceStart...], synced: false)
            }
        } catch {
            logger.error(
                "write-ahead log write failed; refusing appends for a while",
                metadata: ["error": "\(error)", "directory": "\(directory)"])
            sealAfterFailure(descriptor: descriptor, segment: segment)
            state.withLock { $0.unwritable = (ContinuousClock.now, error.message) }
            for append in batch[pieceStart...] { append.complete(.failure(error)) }
        }
    }

    /// Makes the records of `appends` visible to the shipper (in memory and in the segment's
    /// length) and answers their callers.
    private func publish(_ appends: ArraySlice<SpoolAppend>, ends: ArraySlice<SpoolPosition>, synced: Bool) {
        guard let last = ends.last else { return }
        let now = ContinuousClock.now
        let nowMilliseconds = BSONDocument.milliseconds(since1970: .now)
        var bytes = 0
        for append in appends { bytes += append.frame.count }
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let index = state.segments.indices.last, state.segments[index].id == last.segment {
                state.segments[index].length = last.offset
                state.segments[index].records += appends.count
            }
            state.diskBytes += bytes
            state.noteLogged(repeatElement(nowMilliseconds, count: appends.count))
            if !synced, state.unsyncedSince == nil { state.unsyncedSince = now }
            if state.shipQueueBytes < Self.shipQueueMaxBytes {
                for (append, end) in zip(appends, ends) {
                    let payload = Array(append.frame[SpoolFrame.headerSize...])
                    state.shipQueueBytes += payload.count
                    state.shipQueue.append(SpoolBatch.Record(segment: end.segment, payload: payload, end: end.offset))
                }
            }
            defer { state.shipperWake = nil }
            return state.shipperWake
        }
        appendedCount.add(appends.count, ordering: .relaxed)
        for (append, end) in zip(appends, ends) {
            append.complete(.success(end))
        }
        wake?.resume()
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
            state.activeWritten = 0
        }
        return (descriptor, segment)
    }

    /// After a failed write: cut the segment back to what was answered (best effort) and seal it,
    /// so the next append starts a fresh segment instead of writing after garbage.
    private func sealAfterFailure(descriptor: Int32, segment: SpoolSegment?) {
        guard descriptor >= 0, let segment else { return }
        let answered = state.withLock { state in
            state.segments.last { $0.id == segment.id }?.length ?? segment.length
        }
        try? SpoolFiles.truncate(descriptor, to: answered, path: path(ofSegment: segment.id))
        close(descriptor)
        state.withLock { state in
            if let last = state.segments.indices.last, state.segments[last].id == segment.id {
                state.segments[last].sealed = true
            }
            state.activeDescriptor = -1
            state.activeWritten = 0
            state.unsyncedSince = nil
        }
    }
}
