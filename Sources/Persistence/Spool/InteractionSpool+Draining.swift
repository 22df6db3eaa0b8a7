import Glibc
import Logging
import NIOPosix
import Synchronization

/// The shipper's side of the log read from the files: read the oldest records, acknowledge the
/// ones MongoDB took, delete segments that are fully shipped. Only one shipper may use these.
extension InteractionSpool {
    /// Reads up to `maxRecords` records (about `maxBytes` at most, but at least one) from the
    /// drain position of the oldest segment, skipping drained sealed segments (deleting them).
    /// Returns nil when no durable record waits. Damaged bytes met on the way (disk corruption
    /// after start-up) are copied to quarantine and stepped over.
    func readBatch(maxRecords: Int, maxBytes: Int = 8 * 1024 * 1024) async throws(PersistenceError) -> SpoolBatch? {
        try await deleteDrainedSegments()
        let position = state.withLock { state -> (segment: SpoolSegment, offset: Int)? in
            guard let first = state.segments.first, state.readOffset < first.length else { return nil }
            return (first, state.readOffset)
        }
        guard let (segment, start) = position else { return nil }
        let path = path(ofSegment: segment.id)
        let quarantineDirectory = directory + "/quarantine"
        let logger = self.logger
        let (batch, quarantined) = try await threadPool.runFileWork {
            () throws(PersistenceError) -> (SpoolBatch, Int) in
            let descriptor = try SpoolFiles.open(path, create: false)
            defer { close(descriptor) }
            var want = min(segment.length - start, maxBytes)
            var bytes = try SpoolFiles.read(descriptor, count: want, at: start, path: path)
            if bytes.count >= SpoolFrame.headerSize {
                // A single record larger than maxBytes: read all of it.
                let first =
                    Int(bytes.withUnsafeBytes { SpoolFrame.readLittleEndian($0, at: 0) }) + SpoolFrame.headerSize
                if first > bytes.count && first <= segment.length - start {
                    want = first
                    bytes = try SpoolFiles.read(descriptor, count: want, at: start, path: path)
                }
            }
            var records: [SpoolBatch.Record] = []
            var offset = 0
            var quarantined = 0
            while offset < bytes.count && records.count < maxRecords {
                if let length = bytes.withUnsafeBytes({ SpoolFrame.validFrameLength(in: $0, at: offset) }) {
                    let payload = Array(bytes[(offset + SpoolFrame.headerSize)..<(offset + length)])
                    offset += length
                    records.append(.init(segment: segment.id, payload: payload, end: start + offset))
                    continue
                }
                if !records.isEmpty && start + bytes.count < segment.length {
                    // Possibly a record cut by the read window: the next batch starts at it.
                    break
                }
                // Damage inside the durable range: quarantine up to the next intact frame (or the end).
                var next = offset + 1
                while next < bytes.count,
                    bytes.withUnsafeBytes({ SpoolFrame.validFrameLength(in: $0, at: next) }) == nil
                {
                    next += 1
                }
                let file = quarantineDirectory + "/" + SpoolSegment.fileName(segment.id) + ".\(start + offset).bad"
                try SpoolFiles.writeDurably(Array(bytes[offset..<next]), to: file, directory: quarantineDirectory)
                logger.error(
                    "corrupt spool record found while draining: moved to quarantine, not replayed",
                    metadata: [
                        "segment": "\(path)", "offset": "\(start + offset)", "bytes": "\(next - offset)",
                        "quarantine_file": "\(file)",
                    ])
                quarantined += 1
                offset = next
            }
            return (SpoolBatch(segmentID: segment.id, records: records, end: start + offset), quarantined)
        }
        if quarantined > 0 {
            quarantinedCount.add(quarantined, ordering: .relaxed)
            if batch.records.isEmpty {
                acknowledge(batch, through: 0)
                return try await readBatch(maxRecords: maxRecords, maxBytes: maxBytes)
            }
        }
        return batch
    }

    /// Marks the first `count` records of `batch` as stored in MongoDB (all of them: through
    /// `batch.end`, covering quarantined bytes too). A sealed segment drained to its end is
    /// deleted by the next `readBatch` or `closeIfDrained`.
    func acknowledge(_ batch: SpoolBatch, through count: Int) {
        let end: Int
        if count == batch.records.count {
            end = batch.end
        } else if count > 0 {
            end = batch.records[count - 1].end
        } else {
            return
        }
        let released = state.withLock { state -> [SpoolState.ShipWaiter] in
            guard let first = state.segments.first, first.id == batch.segmentID else { return [] }
            let dropped = min(count, first.records)
            state.readOffset = max(state.readOffset, end)
            state.segments[0].records -= dropped
            state.dropOldest(dropped)
            state.dropShippedFromQueue()
            return state.takeShipWaiters()
        }
        for waiter in released { waiter.continuation.resume() }
        replayedCount.add(count, ordering: .relaxed)
    }

    /// Moves record `index` of `batch` (which MongoDB rejected for good, e.g. a validation error)
    /// to a quarantine file and acknowledges the batch through it, so the drain can go on.
    func quarantine(_ batch: SpoolBatch, index: Int, because error: PersistenceError) async {
        let record = batch.records[index]
        let offset = record.end - SpoolFrame.headerSize - record.payload.count
        let quarantineDirectory = directory + "/quarantine"
        let file = quarantineDirectory + "/" + SpoolSegment.fileName(batch.segmentID) + ".\(offset).rejected"
        do {
            try await threadPool.runFileWork { () throws(PersistenceError) in
                try SpoolFiles.writeDurably(SpoolFrame.encode(record.payload), to: file, directory: quarantineDirectory)
            }
        } catch {
            // Not acknowledged: it stays in the spool and is tried again later.
            logger.error("could not quarantine a rejected spool record", metadata: ["error": "\(error)"])
            return
        }
        logger.error(
            "MongoDB rejected a spooled interaction for good: moved to quarantine",
            metadata: ["error": "\(error)", "quarantine_file": "\(file)"])
        quarantinedCount.add(1, ordering: .relaxed)
        acknowledge(batch, through: index + 1)
        replayedCount.add(-1, ordering: .relaxed)
    }

    /// Deletes sealed segments that are drained to their end (BLOCKING part on the thread pool).
    func deleteDrainedSegments() async throws(PersistenceError) {
        let (drained, released) = state.withLock { state -> ([SpoolSegment], [SpoolState.ShipWaiter]) in
            var removed: [SpoolSegment] = []
            while let first = state.segments.first, first.sealed, state.readOffset >= first.length {
                removed.append(first)
                state.segments.removeFirst()
                state.diskBytes -= first.length
                state.dropOldest(first.records)
                state.readOffset = 0
                state.refusedForRoom = false
            }
            guard !removed.isEmpty else { return ([], []) }
            state.dropShippedFromQueue()
            return (removed, state.takeShipWaiters())
        }
        for waiter in released { waiter.continuation.resume() }
        guard !drained.isEmpty else { return }
        let paths = drained.map { path(ofSegment: $0.id) }
        let directory = self.directory
        try await threadPool.runFileWork { () throws(PersistenceError) in
            for path in paths { try SpoolFiles.remove(path) }
            try SpoolFiles.syncDirectory(directory)
        }
    }
}
