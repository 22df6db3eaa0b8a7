import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(CNIOLinux)
// `sockaddr_in`'s members belong to whichever module the compiler read <netinet/in.h> through
// first, which can be NIO's C shim (MemberImportVisibility then wants it imported here).
import CNIOLinux
#endif

/// Tells public internet addresses from the ones an image URL must not reach by default:
/// loopback, private (RFC 1918, IPv6 ULA), link-local, CGNAT, "this network", benchmarking,
/// IETF-reserved, multicast and broadcast ranges, and IPv4 addresses mapped into IPv6.
enum PublicAddress {
    static func isPublic(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4):
            return isPublicIPv4(UInt32(bigEndian: v4.address.sin_addr.s_addr))
        case .v6(let v6):
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            return isPublicIPv6(bytes)
        case .unixDomainSocket:
            return false
        }
    }

    static func isPublicIPv4(_ value: UInt32) -> Bool {
        let blocked: [(UInt32, Int)] = [
            (0x0000_0000, 8),  // 0.0.0.0/8 "this network"
            (0x0A00_0000, 8),  // 10.0.0.0/8
            (0x6440_0000, 10),  // 100.64.0.0/10 CGNAT
            (0x7F00_0000, 8),  // 127.0.0.0/8 loopback
            (0xA9FE_0000, 16),  // 169.254.0.0/16 link-local (cloud metadata)
            (0xAC10_0000, 12),  // 172.16.0.0/12
            (0xC000_0000, 24),  // 192.0.0.0/24 IETF
            (0xC0A8_0000, 16),  // 192.168.0.0/16
            (0xC612_0000, 15),  // 198.18.0.0/15 benchmarking
            (0xE000_0000, 4),  // 224.0.0.0/4 multicast
            (0xF000_0000, 4),  // 240.0.0.0/4 reserved and broadcast
        ]
        return !blocked.contains { prefix, length in
            let mask: UInt32 = length == 0 ? 0 : ~UInt32(0) << (32 - length)
            return value & mask == prefix
        }
    }

    static func isPublicIPv6(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return false }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) { return false }  // :: and ::1
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {  // ::ffff:a.b.c.d
            let v4 = bytes[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return isPublicIPv4(v4)
        }
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7 unique local
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10 link-local
        if bytes[0] == 0xFF { return false }  // ff00::/8 multicast
        return true
    }
}
