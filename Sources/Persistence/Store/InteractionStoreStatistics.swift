/// A snapshot of `InteractionStore`'s group-commit counters, for tests and `/metrics`.
public struct InteractionStoreStatistics: Sendable, Equatable {
    /// Bulk inserts sent (one per batch).
    public var flushes: Int
    /// Documents acknowledged by MongoDB.
    public var documentsStored: Int
    /// Documents whose `record` call failed.
    public var documentsFailed: Int
    /// The largest batch written so far.
    public var largestBatch: Int
}
