import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension ProviderHTTPTransport {
    /// Turns whatever AsyncHTTPClient, NIO or the task system threw into a `ProviderError`.
    static func map(_ error: any Error, timeout: Duration) -> ProviderError {
        if Task.isCancelled {
            return ProviderError(kind: .cancelled, message: "the request was cancelled")
        }
        switch error {
        case let error as ProviderError:
            return error
        case is AttemptTimedOut:
            return ProviderError(kind: .timeout, message: "no complete answer within \(timeout.milliseconds) ms")
        case is CancellationError:
            return ProviderError(kind: .cancelled, message: "the request was cancelled")
        case is NIOTooManyBytesError:
            return ProviderError(kind: .invalidResponse, message: "response body exceeds the size limit")
        case let error as HTTPClientError:
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return ProviderError(kind: .timeout, message: "no complete answer within \(timeout.milliseconds) ms")
            case .cancelled:
                return ProviderError(kind: .cancelled, message: "the request was cancelled")
            case .remoteConnectionClosed:
                return ProviderError(kind: .connect, message: "the provider closed the connection before answering")
            case .connectTimeout:
                return ProviderError(kind: .connect, message: "could not connect within the connect timeout")
            default:
                return ProviderError(kind: .connect, message: "HTTP client error: \(error)")
            }
        case let error as ChannelError:
            return ProviderError(kind: .connect, message: "connection failed: \(error)")
        case let error as IOError:
            return ProviderError(kind: .connect, message: "connection failed: \(error.description)")
        case let error as HTTPParserError:
            return ProviderError(kind: .connect, message: "the connection broke mid-response: \(error)")
        default:
            // NIOPosix's connection errors (e.g. refused) land here; this target does not import NIOPosix.
            return ProviderError(kind: .connect, message: "could not reach the provider: \(error)")
        }
    }
}
