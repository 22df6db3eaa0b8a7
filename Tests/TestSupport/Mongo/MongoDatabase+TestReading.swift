import Foundation
import Logging
import MongoDriver
import NIOPosix
import Synchronization

/// Reading documents back in tests, as canonical extended JSON so BSON types stay visible
/// (`{"$numberInt": "5"}` vs `{"$numberLong": "5"}`, `{"$date": …}`).
///
/// It lives in test support because only tests read this way; the product reads typed values.
extension MongoDatabase {
    /// One started thread pool for every test reader in the process (never shut down).
    public static let testThreadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// Pools by URI, shared by every test in the process and never released (so never closed:
    /// they live as long as the process).
    private static let testPools = Mutex<[String: MongoClientPool]>([:])

    /// A handle on `name` at `uri` for tests, on a pool shared per URI.
    public static func forTesting(uri: String, name: String) throws -> MongoDatabase {
        let pool = try testPools.withLock { pools throws -> MongoClientPool in
            if let pool = pools[uri] { return pool }
            let pool = try MongoClientPool(uri: uri, logger: .init(label: "test-reader"))
            pools[uri] = pool
            return pool
        }
        return MongoDatabase(pool: pool, name: name, threadPool: testThreadPool)
    }

    /// Up to `limit` documents of `collection` matching `filterJSON` (extended JSON; `{}` for
    /// all), sorted by `sortJSON` (`_id` by default; `{"$natural": 1}` for insertion order).
    public func findDocuments(
        collection: String = "interactions", filterJSON: String = "{}", limit: Int = 0,
        sortJSON: String = #"{"_id": 1}"#
    ) async throws(MongoError) -> [String] {
        try await withCollection(collection) { collection throws(MongoError) in
            try collection.find(
                filter: try BSONDocument(json: filterJSON), limit: limit, sort: try BSONDocument(json: sortJSON)
            )
            .map(\.canonicalExtendedJSON)
        }
    }

    /// The number of documents in `collection` matching `filterJSON` (extended JSON).
    public func countDocuments(
        collection: String = "interactions", filterJSON: String = "{}"
    ) async throws(MongoError) -> Int {
        try await withCollection(collection) { collection throws(MongoError) in
            try collection.countDocuments(filter: try BSONDocument(json: filterJSON))
        }
    }

    /// The index descriptions of `collection` (`{"v":…,"key":{…},"name":…}`) as canonical JSON.
    public func listIndexes(collection: String = "interactions") async throws(MongoError) -> [String] {
        try await withCollection(collection) { collection throws(MongoError) in
            try collection.listIndexes().map(\.canonicalExtendedJSON)
        }
    }
}
