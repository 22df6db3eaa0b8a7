import Foundation
import Glibc
import Logging
import MongoDriver
import NIOPosix
import Synchronization

extension InteractionSpool {
    /// Opens (creating if needed) the spool in `directory` and recovers it: every segment is read
    /// and checked record by record; a torn or corrupt tail is logged with its offset and cut off;
    /// damaged records in the middle are copied to `quarantine/` and removed from the segment
    /// (never replayed, never silently dropped). All of it runs on `threadPool`.
    ///
    /// - Parameters:
    ///   - directory: `SPOOL_DIR`; created if missing.
    ///   - maxBytes: `SPOOL_MAX_BYTES`, the cap on the segment files' total size.
    ///   - segmentBytes: the size at which a segment is sealed and a new one started.
    /// - Throws: `.spoolUnwritable` when the directory cannot be created, locked or read.
    public static func open(
        directory: String, maxBytes: Int, segmentBytes: Int = InteractionSpool.defaultSegmentBytes,
        threadPool: NIOThreadPool, logger: Logger, syncObserver: (@Sendable (Duration) -> Void)? = nil
    ) async throws(PersistenceError) -> InteractionSpool {
        let directory = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let (lock, state, report) = try await threadPool.runFileWork {
            () throws(PersistenceError) -> (Int32, SpoolState, SpoolRecoveryReport) in
            try SpoolFiles.createDirectory(directory + "/quarantine")
            let lock = try SpoolFiles.lock(directory: directory)
            do throws(PersistenceError) {
                let (state, report) = try recover(directory: directory, logger: logger)
                return (lock, state, report)
            } catch {
                close(lock)
                throw error
            }
        }
        if report.records > 0 || !report.tornTails.isEmpty || !report.quarantined.isEmpty {
            logger.notice(
                "write-ahead log recovered at start-up; its records ship to MongoDB once it answers",
                metadata: [
                    "directory": "\(directory)", "records": "\(report.records)", "segments": "\(report.segments)",
                    "bytes": "\(state.diskBytes)", "torn_tails": "\(report.tornTails.count)",
                    "quarantined": "\(report.quarantined.count)",
                ])
        }
        return InteractionSpool(
            directory: directory, maxBytes: maxBytes, segmentBytes: segmentBytes, threadPool: threadPool,
            logger: logger, lockDescriptor: lock, recovered: state, recovery: report, syncObserver: syncObserver)
    }

    /// Reads every segment and repairs it (BLOCKING). All recovered segments come back sealed.
    private static func recover(
        directory: String, logger: Logger
    ) throws(PersistenceError)
        -> (SpoolState, SpoolRecoveryReport)
    {
        var state = SpoolState()
        var report = SpoolRecoveryReport()
        let names = try SpoolFiles.list(directory)
        for name in names where name.hasSuffix(".tmp") {
            try SpoolFiles.remove(directory + "/" + name)
        }
        let ids = names.compactMap(SpoolSegment.id(fromFileName:)).sorted()
        state.nextSegmentID = (ids.last ?? 0) + 1
        for id in ids {
            let path = directory + "/" + SpoolSegment.fileName(id)
            let bytes = try SpoolFiles.readAll(path)
            let scan = bytes.withUnsafeBytes { SpoolFrame.scan($0) }

            for range in scan.damaged {
                let file = directory + "/quarantine/" + SpoolSegment.fileName(id) + ".\(range.lowerBound).bad"
                try SpoolFiles.writeDurably(Array(bytes[range]), to: file, directory: directory + "/quarantine")
                logger.error(
                    "corrupt record in the middle of a spool segment: moved to quarantine, not replayed",
                    metadata: [
                        "segment": "\(path)", "offset": "\(range.lowerBound)", "bytes": "\(range.count)",
                        "quarantine_file": "\(file)",
                    ])
                report.quarantined.append(.init(segment: id, offset: range.lowerBound, length: range.count, file: file))
            }
            if let torn = scan.tornTailOffset {
                logger.warning(
                    "torn or corrupt tail in a spool segment (a write cut short by a crash): cutting it off",
                    metadata: ["segment": "\(path)", "offset": "\(torn)", "bytes_cut": "\(bytes.count - torn)"])
                report.tornTails.append(.init(segment: id, offset: torn, bytesCut: bytes.count - torn))
            }

            if scan.records.isEmpty {
                try SpoolFiles.remove(path)
                try SpoolFiles.syncDirectory(directory)
                continue
            }
            var length = bytes.count
            if !scan.damaged.isEmpty {
                var kept: [UInt8] = []
                for range in scan.records { kept.append(contentsOf: bytes[range]) }
                try SpoolFiles.writeDurably(kept, to: path, directory: directory)
                length = kept.count
            } else if let torn = scan.tornTailOffset {
                let descriptor = try SpoolFiles.open(path, create: false)
                defer { close(descriptor) }
                try SpoolFiles.truncate(descriptor, to: torn, path: path)
                try SpoolFiles.sync(descriptor, path: path)
                length = torn
            }
            let nowMilliseconds = BSONDocument.milliseconds(since1970: .now)
            state.noteLogged(
                scan.records.map { range in
                    let payload = Array(bytes[(range.lowerBound + SpoolFrame.headerSize)..<range.upperBound])
                    return BSONScanner.dateMilliseconds("requestedAt", in: payload) ?? nowMilliseconds
                })
            state.segments.append(SpoolSegment(id: id, length: length, sealed: true, records: scan.records.count))
            state.diskBytes += length
            report.records += scan.records.count
            report.segments += 1
        }
        return (state, report)
    }
}
