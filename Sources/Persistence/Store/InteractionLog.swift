/// The write path of the interaction log, as the HTTP layer sees it.
///
/// `record` returns only once the interaction is durable (journaled in MongoDB, or fsync'd to the
/// disk spool by `SpoolingInteractionLog` while MongoDB is unreachable). A thrown `PersistenceError` means
/// the interaction is not stored and the caller must not answer 2xx.
public protocol InteractionLog: Sendable {
    func record(_ interaction: Interaction) async throws(PersistenceError)

    /// A cheap check (no I/O, no waiting) made before any provider is called: throws when a
    /// `record` right now would certainly fail (MongoDB known down and the spool full or not
    /// writable), so the caller can answer 503 without spending a provider call.
    func checkAdmission() throws(PersistenceError)
}

extension InteractionLog {
    /// Logs without a spool always admit: their failures show up in `record`.
    public func checkAdmission() throws(PersistenceError) {}
}
