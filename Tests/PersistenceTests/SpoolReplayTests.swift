import Foundation
import MongoDriver
import TestSupport
import Testing

@testable import Persistence

@Suite("Replaying spooled documents into MongoDB")
struct SpoolReplayTests {
    @Test("replay inserts spooled documents in spool order, and a duplicate key counts as already stored")
    func replayInOrderWithDuplicates() async throws {
        let store = try await MongoStoreFixture.makeStore()
        let interactions = (0..<6).map { SpoolTestSupport.interaction(50 - $0) }  // ids deliberately descending
        try await store.record(interactions[2])  // already stored before the replay (e.g. a write that landed)
        let outcome = await store.replay(try interactions.map(SpoolTestSupport.payload))
        #expect(outcome.acknowledged == 6 && outcome.rejected == nil && outcome.stoppedBy == nil)
        #expect(try await store.database.countDocuments() == 6)
        let natural = try await store.database.findDocuments(sortJSON: "{}").map {
            try MongoStoreFixture.object($0)["_id"] as? String
        }
        // interactions[2] went in first (directly); the rest follow in spool order.
        let expected = [interactions[2]] + interactions.enumerated().filter { $0.offset != 2 }.map(\.element)
        #expect(natural == expected.map(\.id))
        // The replayed bytes are the SPEC §4 document: same as a direct write.
        let replayed = try MongoStoreFixture.object(
            try #require(await store.database.findDocuments(filterJSON: #"{"_id": "\#(interactions[0].id)"}"#).first))
        #expect(replayed["prompt"] as? String == interactions[0].prompt)
        #expect((replayed["requestedAt"] as? [String: Any])?["$date"] != nil)
    }

    @Test("replay into an unreachable database stops at once and acknowledges nothing")
    func replayUnreachable() async throws {
        let store = try await MongoStoreFixture.makeStore(
            uri: try UnreachableDatabaseTests.closedPortURI() + "/?serverSelectionTimeoutMS=300")
        let outcome = await store.replay([try SpoolTestSupport.payload(SpoolTestSupport.interaction(1))])
        #expect(outcome.acknowledged == 0)
        #expect(outcome.stoppedBy?.isUnreachable == true)
    }
}
