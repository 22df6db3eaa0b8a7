import MongoDriver

extension MongoDatabase {
    /// Start-up's check that MongoDB will take the service at all: one `ping` (authenticating on
    /// the way). Returns the error only when it is a refusal (bad credentials, no privileges);
    /// an unreachable MongoDB is no reason not to start, the write-ahead log absorbs it.
    public func startupRefusal() async -> PersistenceError? {
        do throws(MongoError) {
            try await threadPool.runBlocking { () throws(MongoError) in try self.pingBlocking() }
            return nil
        } catch {
            return error.isRefusal ? PersistenceError(error) : nil
        }
    }
}
