import Foundation
import MongoDriver
import Persistence
import TestSupport
import Testing

@Suite("InteractionStore when MongoDB is unreachable")
struct UnreachableDatabaseTests {
    /// A loopback port that refuses connections, reserved for the whole test process so no
    /// server started by a parallel test can be handed it.
    static let refusing = Result { try RefusingPort() }

    /// A URI to that port.
    static func closedPortURI() throws -> String {
        "mongodb://127.0.0.1:\(try refusing.get().port)"
    }

    @Test("a write to a closed port fails as unreachable well under 5 seconds")
    func recordFailsFast() async throws {
        let store = try await MongoStoreFixture.makeStore(uri: try Self.closedPortURI())
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await store.record(MongoStoreFixture.minimalInteraction())
            Issue.record("record succeeded against a closed port")
        } catch {
            #expect(error.isUnreachable, "\(error)")
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(5), "took \(elapsed)")
    }

    @Test("concurrent writes to a closed port all fail as unreachable")
    func batchFails() async throws {
        let store = try await MongoStoreFixture.makeStore(
            uri: try Self.closedPortURI() + "/?serverSelectionTimeoutMS=300")
        let codes = await withTaskGroup(of: PersistenceError.Code?.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do throws(PersistenceError) {
                        try await store.record(MongoStoreFixture.minimalInteraction())
                        return nil
                    } catch {
                        return error.code
                    }
                }
            }
            var all: [PersistenceError.Code?] = []
            for await code in group { all.append(code) }
            return all
        }
        #expect(codes.count == 20)
        #expect(codes.allSatisfy { $0 == .unreachable })
    }

    @Test("ping answers false within its timeout when the database is down")
    func pingDown() async throws {
        let store = try await MongoStoreFixture.makeStore(uri: try Self.closedPortURI())
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await store.ping(timeout: .milliseconds(500)) == false)
        // libmongoc alone would wait its 30 s server selection; 5 s leaves room for a loaded
        // two-core machine running the whole suite at once (1.6 s has been seen).
        #expect(clock.now - start < .seconds(5))
    }

    @Test("reads from an unreachable database throw unreachable")
    func readsFail() async throws {
        let store = try await MongoStoreFixture.makeStore(
            uri: try Self.closedPortURI() + "/?serverSelectionTimeoutMS=300")
        await #expect(throws: MongoError.self) { _ = try await store.database.countDocuments() }
        do {
            _ = try await store.database.countDocuments()
        } catch {
            #expect(error.isUnreachable, "\(error)")
        }
    }
}
