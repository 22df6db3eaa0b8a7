import Logging
import ServiceLifecycle

/// Runs an `InteractionStore` inside a swift-service-lifecycle `ServiceGroup`: while running it
/// makes sure the SPEC §4 indexes exist, retrying with back-off while MongoDB is unreachable
/// (calls keep working meanwhile: they go to the write-ahead log), and stops on graceful shutdown.
public struct InteractionStoreService: Service {
    public let store: InteractionStore
    /// The first wait after a failed attempt to create the indexes; doubles up to 30 s.
    public let initialIndexRetryDelay: Duration

    public init(store: InteractionStore, initialIndexRetryDelay: Duration = .milliseconds(500)) {
        self.store = store
        self.initialIndexRetryDelay = initialIndexRetryDelay
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await ensureIndexes()
        }
        try? await gracefulShutdown()
    }

    /// Creates the indexes, retrying until MongoDB answers or shutdown begins.
    private func ensureIndexes() async {
        var delay = initialIndexRetryDelay
        while !Task.isCancelled {
            do {
                try await store.createIndexes()
                store.logger.debug("interaction indexes are in place")
                return
            } catch {
                store.logger.warning(
                    "could not create interaction indexes; retrying",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }
}
