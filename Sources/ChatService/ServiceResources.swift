import AsyncHTTPClient
import Logging
import NIOPosix
import Persistence
import ServiceLifecycle

/// Owns what outlives a single request (the interaction store and its MongoDB pool, the shared
/// HTTP client, the thread pool for blocking libmongoc calls) and closes it in one place.
///
/// It runs in the application's `ServiceGroup`, which shuts the HTTP server down first, so by
/// the time this service drains, every in-flight request has finished and its write is durable.
/// While running it makes sure SPEC §4's indexes exist, retrying while MongoDB is unreachable.
struct ServiceResources: Service {
    let store: InteractionStore
    let httpClient: HTTPClient
    let threadPool: NIOThreadPool
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await ensureIndexes()
        }
        try? await gracefulShutdown()
        // The server has stopped; writes it started may still be in a bulk insert.
        await store.waitUntilIdle()
        logger.info("shutting down: closing HTTP client and MongoDB pool")
        try await httpClient.shutdown()
        try await threadPool.shutdownGracefully()
    }

    /// Creates the indexes, retrying every few seconds until MongoDB answers or shutdown begins.
    private func ensureIndexes() async {
        var delay = Duration.milliseconds(500)
        while !Task.isCancelled {
            do {
                try await store.createIndexes()
                logger.debug("interaction indexes are in place")
                return
            } catch {
                logger.warning(
                    "could not create interaction indexes; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(30))
        }
    }
}
