import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// A configuration suited to the shared provider `HTTPClient`.
    ///
    /// `retryConnectionEstablishment` is off: AsyncHTTPClient otherwise keeps re-dialling a
    /// refused connection until the attempt's deadline, which turns a fast, retryable `.connect`
    /// into a slow `.timeout` and eats the time `ProviderChain` wants for fallbacks. Redirects are
    /// not followed (an API POST has no business being redirected).
    ///
    /// `connectionsPerProvider` (`PROVIDER_MAX_CONNECTIONS`) is the HTTP/1.1 connections kept
    /// per provider host. AsyncHTTPClient's default of 8 suits calls of milliseconds; an LLM call
    /// holds its connection for seconds, so at 64 concurrent 2-second calls the rest queued for
    /// a connection until their attempts timed out (issue 14 row 2). Give the providers a
    /// `ProviderConnectionGates` of the same size, so a call waits for a connection before its
    /// attempt's clock starts instead of in AsyncHTTPClient's queue, inside the attempt's timeout.
    public static func forProviders(
        connectTimeout: Duration = .seconds(10), connectionsPerProvider: Int = defaultConnectionsPerProvider
    ) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(connectTimeout))
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerProvider
        configuration.httpVersion = .automatic
        return configuration
    }

    /// Connections per provider host unless `PROVIDER_MAX_CONNECTIONS` says otherwise.
    public static let defaultConnectionsPerProvider = 256
}
