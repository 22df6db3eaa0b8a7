import Logging
import MongoDriver
import NIOPosix
import TestSupport
import Testing

@Suite("MongoClientPool lifecycle")
struct MongoClientPoolTests {
    @Test("a closed pool refuses work with a shutdown error, and closing twice is harmless")
    func closedPoolRefuses() async throws {
        let pool = try MongoClientPool(
            uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=100", logger: Logger(label: "t"))
        let database = MongoDatabase(pool: pool, name: "unused", threadPool: MongoDatabase.testThreadPool)
        #expect(!pool.isClosed)
        await pool.close(on: MongoDatabase.testThreadPool)
        await pool.close(on: MongoDatabase.testThreadPool)
        #expect(pool.isClosed)
        await #expect(throws: MongoError(code: .shutdown, message: "the MongoDB pool is closed")) {
            try await database.withCollection("c") { collection throws(MongoError) in
                try collection.countDocuments(filter: BSONDocument())
            }
        }
    }

    @Test("closing while a blocking call holds a client lets the call finish and releases the pool after it")
    func closeWhileAClientIsOut() async throws {
        // Its own thread pool, so other tests' blocking calls cannot delay the close.
        let threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        let pool = try MongoClientPool(
            uri: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=3000", logger: Logger(label: "t"))
        let database = MongoDatabase(pool: pool, name: "unused", threadPool: threadPool)
        async let blocked: Result<Int, MongoError> = {
            do {
                return .success(
                    try await database.withCollection("c") { collection throws(MongoError) in
                        try collection.countDocuments(filter: BSONDocument())
                    })
            } catch let error as MongoError {
                return .failure(error)
            } catch {
                return .failure(MongoError(code: .commandFailed, message: "\(error)"))
            }
        }()
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        await pool.close(on: threadPool)
        #expect(ContinuousClock.now - started < .milliseconds(1500), "close does not wait for the call in flight")
        #expect(pool.isClosed)
        guard case .failure(let error) = await blocked else {
            Issue.record("a count against a closed port succeeded")
            return
        }
        #expect(error.isUnreachable, "the call in flight ended on its own terms: \(error)")
        try await threadPool.shutdownGracefully()
    }

    @Test("a database handle runs commands and collection work against a real server")
    func databaseHandle() async throws {
        let database = try MongoDatabase.forTesting(
            uri: try await MongoTestServer.sharedURI(), name: MongoTestServer.uniqueDatabaseName(prefix: "driver"))
        let reply = try await database.writeCommand(context: "create") { () throws(MongoError) in
            try BSONDocument(json: #"{"createIndexes": "things", "indexes": [{"key": {"n": 1}, "name": "n_1"}]}"#)
        }
        #expect(reply["ok"]?.double == 1)
        let matched = try await database.withCollection("things") { collection throws(MongoError) -> Int in
            let document = BSONDocument()
            document.append("n", int32: 1)
            try collection.insertOne(document)
            let filter = BSONDocument()
            filter.append("n", int32: 1)
            let update = try BSONDocument(json: #"{"$set": {"m": 2}}"#)
            return try collection.updateOne(filter: filter, update: update)
        }
        #expect(matched == 1)
        let found = try await database.findDocuments(collection: "things")
        #expect(found.count == 1 && found[0].contains(#""m" : { "$numberInt" : "2" }"#))
    }

    @Test("a bulk insert with a duplicate reports it by index as a classified error")
    func bulkReply() async throws {
        let database = try MongoDatabase.forTesting(
            uri: try await MongoTestServer.sharedURI(), name: MongoTestServer.uniqueDatabaseName(prefix: "driver"))
        let outcome = try await database.withCollection("bulk") { collection throws(MongoError) in
            let documents = try ["a", "b", "a", "c"].map { id throws(MongoError) in
                try BSONDocument(json: #"{"_id": "\#(id)"}"#)
            }
            return collection.insertMany(documents)
        }
        #expect(!outcome.succeeded)
        #expect(outcome.reply.writeErrors.map(\.index) == [2])
        #expect(outcome.reply.writeErrors.first?.error.code == .duplicateKey)
        #expect(outcome.reply.insertedCount == 3)
    }
}
