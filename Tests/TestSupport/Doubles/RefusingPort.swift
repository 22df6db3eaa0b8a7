#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP port that refuses connections for as long as this value lives.
///
/// "Bind a socket to port 0, read the port, close it" leaves a port that any other test running
/// in parallel (a provider double, a SecantusDB) may be handed next, and then a "connection
/// refused" test talks to a live server instead. Here the socket stays bound without `listen`,
/// so the kernel keeps the port for us and answers every connect with RST.
public final class RefusingPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RefusingPortError(call: "socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            let failure = RefusingPortError(call: "bind", errno: errno)
            close(descriptor)
            throw failure
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// `http://127.0.0.1:PORT`, for provider base URLs.
    public var httpURL: String { "http://127.0.0.1:\(port)" }

    deinit {
        close(descriptor)
    }
}

/// A socket call that failed while reserving a `RefusingPort`.
public struct RefusingPortError: Error, CustomStringConvertible {
    public var call: String
    public var errno: Int32
    public var description: String { "\(call)() failed while reserving a refusing port: errno \(errno)" }
}
