import AsyncHTTPClient
import Foundation
import Synchronization

/// One `ProviderConnectionGate` per provider host, each with `PROVIDER_MAX_CONNECTIONS` permits,
/// shared by every provider that calls that host.
///
/// It exists because AsyncHTTPClient pools connections per host, not per configured provider:
/// two named providers on one server (two Ollama models, say) share one pool, so they must share
/// one gate too. Make one next to the shared `HTTPClient`, sized as its pool is.
public final class ProviderConnectionGates: Sendable {
    /// Permits per host: the pool size the `HTTPClient` was configured with.
    public let connectionsPerHost: Int
    private let gates = Mutex<[String: ProviderConnectionGate]>([:])

    public init(connectionsPerHost: Int = HTTPClient.Configuration.defaultConnectionsPerProvider) {
        precondition(connectionsPerHost > 0, "a provider host needs at least one connection")
        self.connectionsPerHost = connectionsPerHost
    }

    /// The gate for the host `baseURL` points at, made on first use.
    public func gate(for baseURL: String) -> ProviderConnectionGate {
        let host = Self.poolKey(of: baseURL)
        return gates.withLock { gates in
            if let gate = gates[host] { return gate }
            let gate = ProviderConnectionGate(host: host, connections: connectionsPerHost)
            gates[host] = gate
            return gate
        }
    }

    /// `scheme://host:port` (the default port filled in), as AsyncHTTPClient tells pools apart;
    /// the URL itself if it cannot be read.
    static func poolKey(of baseURL: String) -> String {
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return baseURL }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }
}
