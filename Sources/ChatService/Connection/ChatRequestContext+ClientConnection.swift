import Hummingbird
import NIOCore

extension ChatRequestContext {
    /// Runs `operation` (a provider call) so that it is cancelled when the client closes or
    /// resets its connection, and says whether the client left meanwhile. Without a
    /// `ClientConnectionWatch` in the pipeline (a test's in-memory server) it simply runs.
    func whileClientStays<Value: Sendable>(
        _ operation: @escaping @Sendable () async -> Value
    ) async -> (value: Value, clientLeft: Bool) {
        guard let channel, let watch = ClientConnectionWatch.watch(of: channel) else {
            return (await operation(), false)
        }
        return await watch.cancellingWhenClientLeaves(operation)
    }
}
