import ChatService
import Foundation
import HummingbirdTesting
import Logging
import Synchronization
import TestSupport
import Testing

/// What start-up says and refuses: one clear line, never a secret.
@Suite("Start-up")
struct StartupTests {
    @Test("a MONGODB_URI with the wrong scheme is refused without repeating its password")
    func wrongSchemeRedacted() {
        for uri in [
            "postgres://admin:S3cretPassw0rd@127.0.0.1:27017/",
            "admin:S3cretPassw0rd@127.0.0.1:27017",
            "mongo:/admin:S3cretPassw0rd@host://x",
        ] {
            do {
                _ = try ServiceConfiguration(environment: ["MONGODB_URI": uri])
                Issue.record("\(uri) was accepted")
            } catch {
                #expect(error.variable == "MONGODB_URI")
                #expect(!error.description.contains("S3cret"), "\(error.description)")
            }
        }
    }

    @Test("an unparsable mongodb:// URI is refused at build time without repeating its password")
    func unparsableURIRedacted() async throws {
        var configuration = ServiceConfiguration(mongoURI: "mongodb://admin:S3cr@t:Passw0rd@127.0.0.1:27017/?w=")
        configuration.spoolDirectory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("chat-spool-\(UInt64.random(in: 0...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: configuration.spoolDirectory) }
        do {
            _ = try await buildApplication(configuration: configuration)
            Issue.record("the URI was accepted")
        } catch let error as ConfigurationError {
            #expect(error.variable == "MONGODB_URI")
            #expect(!error.description.lowercased().contains("s3cr"), "\(error.description)")
        }
    }

    @Test("start-up logs the write concern interactions are written with")
    func writeConcernLogged() async throws {
        let lines = RecordedLogLines()
        var configuration = ServiceConfiguration(mongoURI: "mongodb://127.0.0.1:1/?w=majority")
        configuration.spoolDirectory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("chat-spool-\(UInt64.random(in: 0...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: configuration.spoolDirectory) }
        var logger = Logger(label: "startup-test") { _ in lines }
        logger.logLevel = .info
        let app = try await buildApplication(configuration: configuration, logger: logger)
        try await app.test(.router) { _ in }
        let line = try #require(
            lines.all.first { $0.message == "writing interactions to the write-ahead log, shipped to MongoDB" })
        #expect(line.metadata["write_concern"] == "{w: majority}")
    }
}

/// A log handler that keeps every line, for tests that check what was logged.
final class RecordedLogLines: LogHandler, Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lines = Mutex<[Line]>([])
    var all: [Line] { lines.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        let flattened = (event.metadata ?? [:]).mapValues { "\($0)" }
        lines.withLock { $0.append(Line(level: event.level, message: "\(event.message)", metadata: flattened)) }
    }
}
