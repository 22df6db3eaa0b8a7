/// A snapshot of the spool for `/ready`, metrics and tests.
public struct SpoolStatistics: Sendable, Equatable {
    /// Durable records waiting to be replayed into MongoDB.
    public var records: Int
    /// Bytes of the spool's segment files (what `SPOOL_MAX_BYTES` bounds).
    public var bytes: Int
    /// Age in seconds of the oldest waiting record (by its `requestedAt`); 0 when none waits.
    public var oldestAgeSeconds: Double
    /// Segment files on disk.
    public var segments: Int
    /// fsync calls made for appends since start-up (group commit makes this far fewer than appends).
    public var appendSyncs: Int
    /// Records appended since start-up.
    public var appended: Int
    /// Records replayed (acknowledged by MongoDB) since start-up.
    public var replayed: Int
    /// Records moved to quarantine since start-up (start-up recovery included).
    public var quarantined: Int
}
