/// The write path of the interaction log, as the HTTP layer sees it.
///
/// `record` returns only once the interaction is durable (journaled in MongoDB today; fsync'd to
/// the spool once the spool lands behind this same protocol). A thrown `PersistenceError` means
/// the interaction is not stored and the caller must not answer 2xx.
public protocol InteractionLog: Sendable {
    func record(_ interaction: Interaction) async throws(PersistenceError)
}
