import AsyncHTTPClient
import Logging
import MongoDriver
import NIOPosix
import ServiceLifecycle

/// Owns the process-wide clients that outlive any single request (the shared provider
/// `HTTPClient`, the MongoDB client pool and the thread pool that runs blocking libmongoc calls)
/// and closes them in one place, at the very end of shutdown: the client pool on the thread pool
/// (destroying it closes sockets), then the thread pool itself.
///
/// It is the first service of the application's `ServiceGroup`, so it shuts down last: after the
/// HTTP server has finished its in-flight requests and `InteractionStoreService` has drained the
/// last writes, which still need the thread pool.
struct ServiceResources: Service {
    let httpClient: HTTPClient
    let mongoPool: MongoClientPool
    let threadPool: NIOThreadPool
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: closing the provider HTTP client, the MongoDB pool and its thread pool")
        try await httpClient.shutdown()
        await mongoPool.close(on: threadPool)
        try await threadPool.shutdownGracefully()
    }
}
