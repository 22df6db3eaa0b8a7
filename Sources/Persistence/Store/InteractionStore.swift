import Logging
import MongoDriver
import NIOPosix
import Synchronization

/// The `interactions` collection in MongoDB: where the write-ahead log's shipper puts each
/// interaction (`replay`: ordered, journaled bulk inserts that treat a duplicate key as "already
/// stored"), plus the reads the service makes of it (usage totals), its indexes and a `ping`
/// for readiness. All blocking libmongoc work runs on the database's thread pool; nothing blocks
/// an event loop or Swift's cooperative pool.
public final class InteractionStore: Sendable {
    /// The collection SPEC §4 names.
    public static let collectionName = "interactions"

    /// Where interactions are written; its thread pool runs every blocking call.
    public let database: MongoDatabase
    let logger: Logger
    /// Callers waiting for the ping in flight; `nil` when no ping is running.
    let pingWaiters = Mutex<[OneShotContinuation<Bool>]?>(nil)

    /// - Parameters:
    ///   - database: the database holding `interactions` (`MONGODB_DATABASE`); its pool's URI decides
    ///     timeouts and write concern, its thread pool must be started and outlive the store's use.
    ///   - logger: for index and shipping failures.
    public init(database: MongoDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }
}
