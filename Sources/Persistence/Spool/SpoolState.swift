/// The spool's mutable bookkeeping, kept behind `InteractionSpool`'s mutex: the segments and the
/// drain position, the appends waiting for the next group commit, and the space accounting that
/// admission decisions read. Every method is small, synchronous and does no I/O.
struct SpoolState {
    /// Segments oldest first; only the last one may be unsealed (the one appends go to).
    var segments: [SpoolSegment] = []
    /// The drain position: the offset in `segments[0]` of the first record not yet replayed.
    var readOffset = 0
    /// The open descriptor of the unsealed last segment, -1 when there is none. Only the one
    /// running flush writes through it.
    var activeDescriptor: Int32 = -1
    /// `requestedAt` (ms since 1970) of every durable record not yet replayed, oldest first,
    /// starting at `requestedAtHead`.
    private(set) var requestedAt: [Int64] = []
    private var requestedAtHead = 0
    /// Appends waiting for the next flush, and their bytes.
    var pending: [SpoolAppend] = []
    var pendingBytes = 0
    /// Whether a flush (write + fsync) is running; at most one runs at a time.
    var flushing = false
    /// Bytes of all segment files (durable part), drained or not: what `maxBytes` bounds.
    var diskBytes = 0
    /// Set when an append was refused for lack of room; cleared when a segment is deleted.
    var refusedForRoom = false
    /// The last write failure, while it counts (appends are refused for a while after one).
    var unwritable: (since: ContinuousClock.Instant, reason: String)?
    var nextSegmentID: UInt64 = 1
    var idleWaiters: [CheckedContinuation<Void, Never>] = []

    /// Durable records not yet replayed.
    var records: Int { requestedAt.count - requestedAtHead }

    /// The oldest durable record's `requestedAt`, if any.
    var oldestRequestedAt: Int64? { records > 0 ? requestedAt[requestedAtHead] : nil }

    /// Whether nothing is queued, being written, or waiting to be replayed.
    var isEmpty: Bool { records == 0 && pending.isEmpty && !flushing }

    mutating func noteDurable(_ times: some Sequence<Int64>) {
        requestedAt.append(contentsOf: times)
    }

    /// Forgets the `count` oldest records (replayed, quarantined or in a deleted segment).
    mutating func dropOldest(_ count: Int) {
        requestedAtHead += min(count, records)
        if requestedAtHead > 4096 && requestedAtHead * 2 > requestedAt.count {
            requestedAt.removeFirst(requestedAtHead)
            requestedAtHead = 0
        }
    }
}
