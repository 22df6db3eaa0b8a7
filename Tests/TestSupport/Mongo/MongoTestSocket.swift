#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loopback TCP helper for `MongoTestServer`: pick a free port. (Whether the server answers is
/// asked of the launcher, `scripts/secantus.py wait`.)
enum MongoTestSocket {
    /// Where test servers listen: below Linux's ephemeral range (32768–60999 by default). A test
    /// that kills SecantusDB and starts it again on the same port needs that port to stay free
    /// meanwhile; in the ephemeral range the kernel may hand it to any outgoing connection (the
    /// service reconnecting, another test), and the restart then failed with EADDRINUSE in CI.
    static let serverPorts = 20_000..<32_768

    /// A port in `serverPorts` that is free right now (bound to 127.0.0.1 and closed again); one the
    /// kernel picks if 200 random tries all find a port taken.
    static func freePort() throws -> Int {
        for _ in 0..<200 {
            if let port = try bindable(port: Int.random(in: serverPorts)) { return port }
        }
        guard let port = try bindable(port: 0) else { throw MongoTestServerError.socket("no free loopback port") }
        return port
    }

    /// Binds 127.0.0.1:`port` (0: any), closes it and returns the port bound; nil if it is taken.
    private static func bindable(port: Int) throws -> Int? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw MongoTestServerError.socket("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw MongoTestServerError.socket("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        return address
    }
}
