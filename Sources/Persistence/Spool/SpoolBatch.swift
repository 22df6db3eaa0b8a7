/// Records read from the oldest spool segment for one replay, with where each ends, so the
/// drainer can acknowledge exactly the prefix MongoDB accepted.
struct SpoolBatch: Sendable {
    struct Record: Sendable {
        /// The BSON document.
        var payload: [UInt8]
        /// Offset just past this record's frame in its segment.
        var end: Int
    }

    var segmentID: UInt64
    var records: [Record]
    /// Offset just past everything this batch covers (records and any quarantined damage).
    var end: Int
}
