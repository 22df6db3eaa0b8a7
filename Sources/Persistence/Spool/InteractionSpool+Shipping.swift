import Foundation
import Logging
import MongoDriver
import NIOPosix
import Synchronization

/// What the shipper asks of the log: the next records to ship (from memory while it keeps up),
/// a way to park until there are some, and the callers waiting for MongoDB (`DURABILITY=mongo`).
extension InteractionSpool {
    /// The next run of records to ship, oldest first, at most `maxRecords`: taken from the
    /// in-memory copy of what was just written when it starts exactly where shipping stands, else
    /// read from the segment files (after a restart, or when the shipper fell behind the cache).
    /// Nil when every record is shipped.
    func nextShipment(maxRecords: Int) async throws(PersistenceError) -> SpoolBatch? {
        try await deleteDrainedSegments()
        let cached = state.withLock { state -> SpoolBatch? in
            state.dropShippedFromQueue()
            guard let first = state.segments.first, state.shipQueueHead < state.shipQueue.count else { return nil }
            var records: [SpoolBatch.Record] = []
            var end = state.readOffset
            var index = state.shipQueueHead
            while index < state.shipQueue.count, records.count < maxRecords {
                let record = state.shipQueue[index]
                guard record.segment == first.id, record.end - record.payload.count - SpoolFrame.headerSize == end
                else {
                    break
                }
                records.append(record)
                end = record.end
                index += 1
            }
            return records.isEmpty ? nil : SpoolBatch(segmentID: first.id, records: records, end: end)
        }
        if let cached { return cached }
        return try await readBatch(maxRecords: maxRecords)
    }

    /// Returns once a record waits to be shipped, or `stopWaiting()` is called.
    func waitForRecordsToShip() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.records > 0 { return true }
                state.shipperWake?.resume()
                state.shipperWake = continuation
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Wakes a shipper parked in `waitForRecordsToShip` (shutdown).
    func stopWaiting() {
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.shipperWake = nil }
            return state.shipperWake
        }
        wake?.resume()
    }

    /// Returns once MongoDB has the record ending at `end`, or right away while MongoDB is not
    /// acknowledging (unreachable or hung: the record is in the log already).
    func waitUntilShipped(_ end: SpoolPosition) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if !state.mongoAcknowledges || end <= state.shippedThrough { return true }
                state.shipWaiters.append(.init(end: end, since: .now, continuation: continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Whether MongoDB currently acknowledges shipments; while it does not, `mongo` callers are
    /// answered after the fsync, and those already waiting are released.
    func setMongoAcknowledges(_ acknowledges: Bool) {
        let released = state.withLock { state -> [SpoolState.ShipWaiter] in
            state.mongoAcknowledges = acknowledges
            return acknowledges ? [] : state.takeShipWaiters(everyone: true)
        }
        for waiter in released { waiter.continuation.resume() }
    }

    /// Releases callers that have waited `age` or longer for MongoDB (a hung database): their
    /// record is in the log, durable, and ships when MongoDB answers again.
    func releaseShipWaiters(olderThan age: Duration) -> Int {
        let released = state.withLock { $0.takeShipWaiters(olderThan: age) }
        for waiter in released { waiter.continuation.resume() }
        return released.count
    }

    /// Shipping lag: records not yet in MongoDB and how long the oldest has waited, in seconds.
    public var shippingLag: (records: Int, seconds: Double) {
        let (records, oldest) = state.withLock { ($0.records, $0.oldestLoggedAt) }
        let now = BSONDocument.milliseconds(since1970: .now)
        return (records, oldest.map { max(0, Double(now - $0) / 1000) } ?? 0)
    }
}

extension InteractionSpool {
    /// After a successful shipment: MongoDB acknowledges again (cheap when it already did).
    func setMongoAcknowledgesIfNeeded() {
        let already = state.withLock { $0.mongoAcknowledges }
        if !already { setMongoAcknowledges(true) }
    }
}
