/// Records of one segment for one shipment to MongoDB, with where each ends, so the shipper can
/// acknowledge exactly the prefix MongoDB accepted.
struct SpoolBatch: Sendable {
    struct Record: Sendable {
        /// The segment the record is in.
        var segment: UInt64
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
