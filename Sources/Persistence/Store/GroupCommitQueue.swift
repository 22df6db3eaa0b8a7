/// The bookkeeping of group commit, kept behind `InteractionStore`'s mutex: which writes are
/// waiting, how many flushes are running, and who is waiting for the store to become idle.
///
/// It exists as a plain value type so every decision ("start a flush now?", "take the next
/// batch?") is one small synchronous method that runs under the lock and does no I/O.
struct GroupCommitQueue {
    /// Most documents per bulk insert.
    let maxBatchSize: Int
    /// Most bulk inserts in flight at once.
    let maxConcurrentFlushes: Int

    private(set) var pending: [PendingWrite] = []
    private(set) var flushesInFlight = 0
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []

    init(maxBatchSize: Int, maxConcurrentFlushes: Int) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.maxConcurrentFlushes = max(1, maxConcurrentFlushes)
    }

    /// Queues `write`. Returns a batch when the caller should start a new flush with it (a flush
    /// slot is free); returns `nil` when a running flush will pick the write up when it finishes.
    mutating func enqueue(_ write: PendingWrite) -> [PendingWrite]? {
        pending.append(write)
        guard flushesInFlight < maxConcurrentFlushes else { return nil }
        flushesInFlight += 1
        return takeBatch()
    }

    /// Called by a flush that has finished: hands it the next batch to write, or, when nothing is
    /// waiting, retires it and returns the idle waiters to wake if it was the last one.
    mutating func next() -> (batch: [PendingWrite]?, idleWaiters: [CheckedContinuation<Void, Never>]) {
        if !pending.isEmpty {
            return (takeBatch(), [])
        }
        flushesInFlight -= 1
        guard flushesInFlight == 0 else { return (nil, []) }
        let waiters = idleWaiters
        idleWaiters = []
        return (nil, waiters)
    }

    /// Whether nothing is queued or being written.
    var isIdle: Bool { pending.isEmpty && flushesInFlight == 0 }

    /// Registers a continuation to resume once the store is idle. Returns false (and keeps
    /// nothing) if it already is, in which case the caller resumes it immediately.
    mutating func waitForIdle(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        guard !isIdle else { return false }
        idleWaiters.append(continuation)
        return true
    }

    private mutating func takeBatch() -> [PendingWrite] {
        if pending.count <= maxBatchSize {
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        let batch = Array(pending.prefix(maxBatchSize))
        pending.removeFirst(maxBatchSize)
        return batch
    }
}
