import Foundation
import Logging
import MongoDriver
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Persistence

/// The write-ahead log with its shipper against a real SecantusDB, one per DURABILITY mode.
@Suite("Write-ahead log and shipper", .serialized)
struct WriteAheadLogTests {
    /// A log + shipper running in a service group on `uri`, handed to `body`, shut down after.
    static func withRunningLog(
        uri: String, durability: Durability, directory: String = SpoolTestSupport.directory(),
        _ body: (WriteAheadInteractionLog) async throws -> Void
    ) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try await MongoStoreFixture.makeStore(uri: uri)
        let spool = try await SpoolTestSupport.open(directory)
        let log = WriteAheadInteractionLog(
            spool: spool, store: store, durability: durability, logger: MongoStoreFixture.logger)
        let shipper = LogShipperService(
            log: log, initialProbeDelay: .milliseconds(20), maxProbeDelay: .milliseconds(200))
        let group = ServiceGroup(
            services: [shipper], gracefulShutdownSignals: [], cancellationSignals: [], logger: MongoStoreFixture.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body(log)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Polls until `condition` holds or `timeout` passes.
    static func eventually(
        within timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
    ) async rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    @Test("mongo: the document is in MongoDB when record returns", arguments: [Durability.mongo])
    func mongoModeReadsItsWrite(durability: Durability) async throws {
        try await Self.withRunningLog(uri: try await MongoTestServer.sharedURI(), durability: durability) { log in
            for _ in 0..<20 {
                let interaction = MongoStoreFixture.minimalInteraction()
                try await log.record(interaction)
                let found = try await log.store.database.countDocuments(filterJSON: #"{"_id": "\#(interaction.id)"}"#)
                #expect(found == 1)
            }
        }
    }

    @Test(
        "disk and process: every record ships, in order, and the log empties", arguments: [Durability.disk, .process])
    func recordsShip(durability: Durability) async throws {
        try await Self.withRunningLog(uri: try await MongoTestServer.sharedURI(), durability: durability) { log in
            let interactions = (0..<300).map { SpoolTestSupport.interaction($0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for chunk in stride(from: 0, to: 300, by: 30) {
                    group.addTask {
                        for interaction in interactions[chunk..<(chunk + 30)] { try await log.record(interaction) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(await Self.eventually { log.spool.shippingLag.records == 0 })
            let stored = try await log.store.database.findDocuments(sortJSON: #"{"$natural": 1}"#).map {
                try MongoStoreFixture.object($0)["_id"] as? String
            }
            #expect(stored.count == 300)
            #expect(Set(stored.compactMap { $0 }) == Set(interactions.map(\.id)))
            let statistics = log.spool.statistics
            #expect(statistics.appended == 300)
            #expect(
                statistics.appendSyncs >= 1 && statistics.appendSyncs < 300,
                "group commit: \(statistics.appendSyncs) fsyncs")
        }
    }

    @Test("process: record returns before its fsync, and the fsync follows within 50 ms")
    func processModeSyncsSoonAfter() async throws {
        try await Self.withRunningLog(uri: try await MongoTestServer.sharedURI(), durability: .process) { log in
            try await log.record(MongoStoreFixture.minimalInteraction())
            let answered = ContinuousClock.now
            #expect(await Self.eventually(within: .seconds(2)) { log.spool.statistics.appendSyncs >= 1 })
            #expect(ContinuousClock.now - answered < .seconds(1), "fsync'd soon after the answer")
            #expect(log.spool.state.withLock { $0.unsyncedSince } == nil)
        }
    }

    @Test(
        "MongoDB killed: every mode keeps answering, and everything ships exactly once in order when it returns",
        arguments: Durability.allCases)
    func outage(durability: Durability) async throws {
        let server = try MongoTestServer()
        try await server.start()
        let uri = server.uri + "/?serverSelectionTimeoutMS=300&connectTimeoutMS=300"
        do {
            try await Self.withRunningLog(uri: uri, durability: durability) { log in
                try await log.record(SpoolTestSupport.interaction(0))
                server.kill()
                let clock = ContinuousClock()
                for index in 1...50 {
                    let started = clock.now
                    try await log.record(SpoolTestSupport.interaction(index))
                    #expect(clock.now - started < .seconds(3), "call \(index) waited \(clock.now - started)")
                }
                #expect(log.spool.shippingLag.records >= 50)
                try await server.start()
                #expect(await Self.eventually(within: .seconds(20)) { log.spool.shippingLag.records == 0 })
                let stored = try await log.store.database.findDocuments(sortJSON: #"{"$natural": 1}"#).map {
                    try MongoStoreFixture.object($0)["_id"] as? String
                }
                #expect(stored == (0...50).map { SpoolTestSupport.interaction($0).id })
            }
        } catch {
            await server.stopAndRemoveData()
            throw error
        }
        await server.stopAndRemoveData()
    }

    @Test(
        "MongoDB hung (SIGSTOP): disk answers stay fast, mongo answers within the acknowledgement timeout, all ship after SIGCONT",
        arguments: [Durability.disk, .mongo])
    func hungDatabase(durability: Durability) async throws {
        let server = try MongoTestServer()
        try await server.start()
        let uri = server.uri + "/?serverSelectionTimeoutMS=500&connectTimeoutMS=500&socketTimeoutMS=2000"
        do {
            try await Self.withRunningLog(uri: uri, durability: durability) { log in
                try await log.record(SpoolTestSupport.interaction(0))
                server.pause()
                let clock = ContinuousClock()
                var slowest: Duration = .zero
                for index in 1...20 {
                    let started = clock.now
                    try await log.record(SpoolTestSupport.interaction(index))
                    slowest = max(slowest, clock.now - started)
                }
                let bound: Duration = durability == .mongo ? .milliseconds(2500) : .milliseconds(500)
                #expect(slowest < bound, "slowest answer while MongoDB is hung: \(slowest)")
                server.resume()
                #expect(await Self.eventually(within: .seconds(20)) { log.spool.shippingLag.records == 0 })
                #expect(try await log.store.database.countDocuments() == 21)
            }
        } catch {
            server.resume()
            await server.stopAndRemoveData()
            throw error
        }
        await server.stopAndRemoveData()
    }

    @Test("a log left by a crash ships at the next start and its files are deleted with no new call")
    func leftoverFilesDeleted() async throws {
        let directory = SpoolTestSupport.directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            let spool = try await SpoolTestSupport.open(directory)
            for index in 0..<5 { try await spool.append(SpoolTestSupport.interaction(index)) }
            spool.closeFiles()
        }
        try await Self.withRunningLog(
            uri: try await MongoTestServer.sharedURI(), durability: .disk, directory: directory
        ) {
            log in
            #expect(await Self.eventually { log.spool.shippingLag.records == 0 })
            #expect(await Self.eventually { (try? SpoolTestSupport.segmentFiles(directory).isEmpty) == true })
            let stored = try await log.store.database.countDocuments()
            #expect(stored == 5)
        }
    }

    @Test("a log left by a crash ships at the next start, after new records are refused nothing")
    func leftoverShipsAtStart() async throws {
        let directory = SpoolTestSupport.directory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        do {
            let spool = try await SpoolTestSupport.open(directory)
            for index in 0..<10 { try await spool.append(SpoolTestSupport.interaction(index)) }
            spool.closeFiles()
        }
        try await Self.withRunningLog(
            uri: try await MongoTestServer.sharedURI(), durability: .disk, directory: directory
        ) { log in
            #expect(log.spool.recovery.records == 10)
            try await log.record(SpoolTestSupport.interaction(10))
            #expect(await Self.eventually { log.spool.shippingLag.records == 0 })
            let stored = try await log.store.database.findDocuments(sortJSON: #"{"$natural": 1}"#).map {
                try MongoStoreFixture.object($0)["_id"] as? String
            }
            #expect(stored == (0...10).map { SpoolTestSupport.interaction($0).id })
        }
    }
}
