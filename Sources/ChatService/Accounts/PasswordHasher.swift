import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import ServiceLifecycle
import Synchronization

/// bcrypt for account passwords (SPEC §8) on its own small thread pool: a hash costs tens of
/// milliseconds of CPU by design, so it never runs on an event loop, in Swift's cooperative pool,
/// or on the pool that carries MongoDB's calls (a burst of logins must not stall the write path).
///
/// The password is first reduced to the base64 of its SHA-256, then bcrypt-hashed: bcrypt reads
/// only 72 bytes, so without this two long passwords sharing their first 72 bytes would be equal.
/// It runs as a service so its thread pool stops with the application.
final class PasswordHasher: Service, Sendable {
    /// bcrypt's work factor (2^cost rounds); SPEC §8 asks for at least 10.
    let cost: UInt8
    private let threadPool: NIOThreadPool
    /// A hash of a random string, verified against when the username does not exist, so a missing
    /// account takes as long to refuse as a wrong password.
    private let decoyHash = Mutex<String?>(nil)

    init(cost: UInt8 = 10, threads: Int = 2) {
        precondition(cost >= 10, "SPEC §8: bcrypt cost must be at least 10")
        self.cost = cost
        threadPool = NIOThreadPool(numberOfThreads: threads)
        threadPool.start()
    }

    /// The bcrypt hash to store for `password`.
    func hash(_ password: String) async throws -> String {
        let prepared = Self.prepared(password)
        let cost = self.cost
        return try await threadPool.runIfActive { Bcrypt.hash(prepared, cost: cost) }
    }

    /// Whether `password` matches `hash`; with `hash` nil (no such user), the same work against a
    /// decoy and false.
    func verify(_ password: String, hash: String?) async throws -> Bool {
        let prepared = Self.prepared(password)
        let stored: String
        if let hash { stored = hash } else { stored = try await decoy() }
        let matches = try await threadPool.runIfActive { Bcrypt.verify(prepared, hash: stored) }
        return hash != nil && matches
    }

    private func decoy() async throws -> String {
        if let hash = decoyHash.withLock({ $0 }) { return hash }
        let hash = try await self.hash(APIKeyHash.generateKey())
        decoyHash.withLock { $0 = hash }
        return hash
    }

    /// base64(SHA-256(password)): 44 ASCII characters, within bcrypt's 72 bytes and free of NULs.
    static func prepared(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }

    func run() async throws {
        try? await gracefulShutdown()
        try await threadPool.shutdownGracefully()
    }
}
