import AsyncHTTPClient
import Logging
import NIOPosix
import ServiceLifecycle

/// Owns the process-wide clients that outlive any single request (the shared provider
/// `HTTPClient` and the thread pool that runs blocking libmongoc calls) and closes them in one
/// place, at the very end of shutdown.
///
/// It is the first service of the application's `ServiceGroup`, so it shuts down last: after the
/// HTTP server has finished its in-flight requests and `InteractionStoreService` has drained the
/// last writes, which still need the thread pool.
struct ServiceResources: Service {
    let httpClient: HTTPClient
    let threadPool: NIOThreadPool
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("shutting down: closing the provider HTTP client and the database thread pool")
        try await httpClient.shutdown()
        try await threadPool.shutdownGracefully()
    }
}
