import Logging
import MongoDriver

/// The `InteractionLog` the service runs with (SPEC §5): every interaction is appended to the
/// local write-ahead log first, and `LogShipperService` moves the log to MongoDB in order. One
/// write path, whether MongoDB is up, down or hung.
///
/// `durability` decides when `record` returns, i.e. when the caller's 2xx may go out:
/// `process` once the record is written to the log file, `disk` once it is fsync'd (group
/// commit), `mongo` once MongoDB acknowledged it — or, while MongoDB is unreachable or takes longer
/// than `mongoAcknowledgementTimeout`, once it is fsync'd.
public final class WriteAheadInteractionLog: InteractionLog, Sendable {
    /// The server selection timeout the service's pool uses when `MONGODB_URI` sets none: short,
    /// so the shipper notices a dead database quickly.
    public static let writePathServerSelectionTimeoutMS: Int32 = 1000
    /// The longest a `DURABILITY=mongo` call waits for MongoDB's acknowledgement before it is
    /// answered on the strength of the fsync (a hung MongoDB must not hang the callers).
    public static let mongoAcknowledgementTimeout: Duration = .seconds(1)

    public let spool: InteractionSpool
    public let store: InteractionStore
    public let durability: Durability
    let logger: Logger

    public init(spool: InteractionSpool, store: InteractionStore, durability: Durability, logger: Logger) {
        self.spool = spool
        self.store = store
        self.durability = durability
        self.logger = logger
    }

    /// Appends `interaction` to the log and returns when `durability` allows the answer.
    ///
    /// - Throws: `.spoolFull` / `.spoolUnwritable` when the log cannot take it, `.invalidDocument`
    ///   when it is over MongoDB's 16 MiB limit, `.shutdown`.
    public func record(_ interaction: Interaction) async throws(PersistenceError) {
        let end = try await spool.append(
            payload: try InteractionSpool.payload(of: interaction),
            requestedAtMilliseconds: BSONDocument.milliseconds(since1970: interaction.requestedAt),
            acknowledgement: durability == .process ? .written : .synced)
        if durability == .mongo {
            await spool.waitUntilShipped(end)
        }
    }

    /// Throws when the log cannot take a record now (full, or not writable). Cheap: one lock.
    public func checkAdmission() throws(PersistenceError) {
        if let refusal = spool.admissionRefusal() { throw refusal }
    }
}
