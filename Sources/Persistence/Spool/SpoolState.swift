/// The log's mutable bookkeeping, kept behind `InteractionSpool`'s mutex: the segments and the
/// shipping position, the appends waiting for the next group commit, the records kept in memory
/// for the shipper, the callers waiting for MongoDB, and the space accounting that admission
/// decisions read. Every method is small, synchronous and does no I/O.
struct SpoolState {
    /// Segments oldest first; only the last one may be unsealed (the one appends go to).
    var segments: [SpoolSegment] = []
    /// The shipping position: the offset in `segments[0]` of the first record not yet shipped.
    var readOffset = 0
    /// The open descriptor of the unsealed last segment, -1 when there is none. Only the one
    /// running flush writes through it.
    var activeDescriptor: Int32 = -1
    /// Bytes written to the active segment, answered or not (only the flush uses it).
    var activeWritten = 0
    /// When each unshipped record entered the log (ms since 1970; recovered records: their
    /// `requestedAt`), oldest first, starting at `loggedAtHead`.
    private(set) var loggedAt: [Int64] = []
    private var loggedAtHead = 0
    /// Appends waiting for the next flush, and their bytes.
    var pending: [SpoolAppend] = []
    var pendingBytes = 0
    /// Whether a flush (write, and fsync) is running; at most one runs at a time.
    var flushing = false
    /// When the oldest record written but not yet fsync'd was written (`DURABILITY=process`).
    var unsyncedSince: ContinuousClock.Instant?
    /// Bytes of all segment files, shipped or not: what `maxBytes` bounds.
    var diskBytes = 0
    /// Set when an append was refused for lack of room; cleared when a segment is deleted.
    var refusedForRoom = false
    /// The last write failure, while it counts (appends are refused for a while after one).
    var unwritable: (since: ContinuousClock.Instant, reason: String)?
    var nextSegmentID: UInt64 = 1
    var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// Records just written, in log order, kept for the shipper so it need not read them back;
    /// a cache keyed by position (the shipper falls back to the files whenever it does not match).
    var shipQueue: [SpoolBatch.Record] = []
    var shipQueueHead = 0
    var shipQueueBytes = 0
    /// The shipper, parked until a record is written.
    var shipperWake: CheckedContinuation<Void, Never>?
    /// Callers (`DURABILITY=mongo`) waiting until MongoDB has their record, by record end.
    var shipWaiters: [ShipWaiter] = []
    /// False while the shipper finds MongoDB unreachable: `mongo` callers then get their answer
    /// after the fsync instead of waiting.
    var mongoAcknowledges = true

    /// One caller waiting for MongoDB's acknowledgement of its record.
    struct ShipWaiter {
        var end: SpoolPosition
        var since: ContinuousClock.Instant
        var continuation: CheckedContinuation<Void, Never>
    }

    /// Records in the log not yet shipped.
    var records: Int { loggedAt.count - loggedAtHead }

    /// The oldest unshipped record's time of entry, if any.
    var oldestLoggedAt: Int64? { records > 0 ? loggedAt[loggedAtHead] : nil }

    /// Whether nothing is queued, being written, or waiting to be shipped.
    var isEmpty: Bool { records == 0 && pending.isEmpty && !flushing }

    /// Where the shipper is: the position just past the last shipped record.
    var shippedThrough: SpoolPosition {
        guard let first = segments.first else { return SpoolPosition(segment: nextSegmentID, offset: 0) }
        return SpoolPosition(segment: first.id, offset: readOffset)
    }

    mutating func noteLogged(_ times: some Sequence<Int64>) {
        loggedAt.append(contentsOf: times)
    }

    /// Forgets the `count` oldest records (shipped, quarantined or in a deleted segment).
    mutating func dropOldest(_ count: Int) {
        loggedAtHead += min(count, records)
        if loggedAtHead > 4096 && loggedAtHead * 2 > loggedAt.count {
            loggedAt.removeFirst(loggedAtHead)
            loggedAtHead = 0
        }
    }

    /// Drops cached records the shipper has passed.
    mutating func dropShippedFromQueue() {
        let through = shippedThrough
        while shipQueueHead < shipQueue.count {
            let record = shipQueue[shipQueueHead]
            guard SpoolPosition(segment: record.segment, offset: record.end) <= through else { break }
            shipQueueBytes -= record.payload.count
            shipQueueHead += 1
        }
        if shipQueueHead == shipQueue.count {
            shipQueue.removeAll(keepingCapacity: true)
            shipQueueHead = 0
        } else if shipQueueHead > 1024 && shipQueueHead * 2 > shipQueue.count {
            shipQueue.removeFirst(shipQueueHead)
            shipQueueHead = 0
        }
    }

    /// Takes the waiters whose record MongoDB now has (or all, when `everyone`).
    mutating func takeShipWaiters(everyone: Bool = false, olderThan age: Duration? = nil) -> [ShipWaiter] {
        guard !shipWaiters.isEmpty else { return [] }
        let through = shippedThrough
        let now = ContinuousClock.now
        var released: [ShipWaiter] = []
        shipWaiters.removeAll { waiter in
            let done = everyone || waiter.end <= through || age.map { now - waiter.since >= $0 } ?? false
            if done { released.append(waiter) }
            return done
        }
        return released
    }
}
