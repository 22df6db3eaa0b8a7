/// When a call's 2xx may be sent, relative to where its interaction is (SPEC §5, `DURABILITY`).
///
/// It exists because the three answers trade latency for what a crash can take: `mongo` waits for
/// MongoDB's journaled acknowledgement (read-your-write), `disk` for the local log's fsync
/// (survives any crash), `process` for the write into the page cache (survives a crash of the
/// service; fsync'd within 50 ms).
public enum Durability: String, Sendable, CaseIterable {
    /// After MongoDB acknowledged the journaled write; while MongoDB is unreachable (or does not
    /// acknowledge within `WriteAheadInteractionLog.mongoAcknowledgementTimeout`), after the fsync.
    case mongo
    /// After the local log's group-commit fsync.
    case disk
    /// After the write into the local log (the kernel's page cache); fsync'd at most 50 ms later.
    case process
}
