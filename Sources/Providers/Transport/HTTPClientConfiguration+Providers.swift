import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// A configuration suited to the shared provider `HTTPClient`.
    ///
    /// `retryConnectionEstablishment` is off: AsyncHTTPClient otherwise keeps re-dialling a
    /// refused connection until the attempt's deadline, which turns a fast, retryable `.connect`
    /// into a slow `.timeout` and eats the time `ProviderChain` wants for fallbacks. Redirects are
    /// not followed (an API POST has no business being redirected).
    public static func forProviders(connectTimeout: Duration = .seconds(10)) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(connectTimeout))
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.httpVersion = .automatic
        return configuration
    }
}
