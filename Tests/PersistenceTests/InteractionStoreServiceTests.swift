import Logging
import MongoDriver
import Persistence
import ServiceLifecycle
import TestSupport
import Testing

@Suite("InteractionStoreService")
struct InteractionStoreServiceTests {
    @Test("the service creates the indexes on start and returns on graceful shutdown")
    func runsAndDrains() async throws {
        let store = try await MongoStoreFixture.makeStore()
        let group = ServiceGroup(
            services: [InteractionStoreService(store: store)], gracefulShutdownSignals: [], cancellationSignals: [],
            logger: MongoStoreFixture.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var indexed = false
            for _ in 0..<50 where !indexed {
                indexed = (try? await store.database.listIndexes().count) == 5
                if !indexed { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(indexed)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
