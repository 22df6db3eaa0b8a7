import Logging
import ServiceLifecycle

/// Runs an `InteractionStore` inside a swift-service-lifecycle `ServiceGroup`.
///
/// It exists for start-up and shutdown ordering. While running it makes sure the SPEC §4 indexes
/// exist, retrying with back-off while MongoDB is unreachable (chats keep working meanwhile). On
/// graceful shutdown it waits until every queued or in-flight write has been acknowledged or
/// failed, then returns. Put it AFTER whatever owns the store's thread pool and BEFORE the HTTP
/// server in the group's service list: services shut down in reverse order, so the server stops
/// accepting and finishes its in-flight requests (each awaiting `record`) first, this service
/// drains what is left, and only then is the thread pool closed. The `MongoClientPool` is freed
/// when the last reference to it (the store) goes away, after the drain.
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
        await store.waitUntilIdle()
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
