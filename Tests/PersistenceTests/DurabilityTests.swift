import Foundation
import MongoDriver
import Persistence
import TestSupport
import Testing

@Suite("Durability against a crashing SecantusDB")
struct DurabilityTests {
    @Test("journaled writes acknowledged before a SIGKILL are there after restart")
    func journaledWritesSurviveKill() async throws {
        let server = try MongoTestServer()
        try await server.start()
        do {
            let store = try await MongoStoreFixture.makeStore(uri: server.uri)
            #expect(store.database.pool.writeConcern.journal == true)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<150 {
                    group.addTask { try await store.record(MongoStoreFixture.minimalInteraction()) }
                }
                try await group.waitForAll()
            }
            server.kill()
            #expect(await store.ping(timeout: .milliseconds(500)) == false)
            try await server.start()

            // A fresh pool: the old one's sockets died with the server.
            let reader = try MongoDatabase.forTesting(uri: server.uri + "/?appname=reader", name: store.database.name)
            #expect(try await reader.countDocuments() == 150)
            // The old pool reconnects by itself once the server is back.
            var recovered = false
            for _ in 0..<20 where !recovered {
                recovered = await store.ping(timeout: .seconds(1))
            }
            #expect(recovered)
        }
        await server.stopAndRemoveData()
    }
}
