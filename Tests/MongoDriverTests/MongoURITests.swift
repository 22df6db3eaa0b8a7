import Logging
import TestSupport
import Testing

@testable import MongoDriver

@Suite("MongoURI")
struct MongoURITests {
    @Test("a URI without timeouts gets 2000 ms server selection and connect timeouts and a 10 s socket timeout")
    func defaultTimeouts() throws {
        let uri = try MongoURI("mongodb://127.0.0.1:27017")
        #expect(uri.serverSelectionTimeoutMS == 2000)
        #expect(uri.connectTimeoutMS == 2000)
        #expect(uri.socketTimeoutMS == 10_000)
    }

    @Test("timeouts set in the URI are honoured")
    func explicitTimeouts() throws {
        let uri = try MongoURI(
            "mongodb://127.0.0.1/?serverSelectionTimeoutMS=500&connectTimeoutMS=750&socketTimeoutMS=60000")
        #expect(uri.serverSelectionTimeoutMS == 500)
        #expect(uri.connectTimeoutMS == 750)
        #expect(uri.socketTimeoutMS == 60_000)
    }

    @Test("writes are journaled when the URI sets neither w nor journal")
    func journaledByDefault() throws {
        let uri = try MongoURI("mongodb://127.0.0.1:27017/?wtimeoutMS=1000")
        #expect(uri.writeConcern == WriteConcernSummary(w: nil, journal: true))
    }

    @Test("w=majority in the URI is honoured without adding j")
    func majorityHonoured() throws {
        let uri = try MongoURI("mongodb://a:27017,b:27017/?replicaSet=rs0&w=majority")
        #expect(uri.writeConcern == WriteConcernSummary(w: "majority", journal: nil))
    }

    @Test("journal=false in the URI is honoured")
    func journalFalseHonoured() throws {
        let uri = try MongoURI("mongodb://127.0.0.1/?journal=false")
        #expect(uri.writeConcern == WriteConcernSummary(w: nil, journal: false))
    }

    @Test("w=1 in the URI is honoured")
    func numericWHonoured() throws {
        let uri = try MongoURI("mongodb://127.0.0.1/?w=1")
        #expect(uri.writeConcern == WriteConcernSummary(w: "1", journal: nil))
    }

    @Test("a malformed URI is an invalidURI error that does not repeat the password")
    func malformed() {
        for text in ["http://127.0.0.1", "mongodb://", "", "mongodb://user:s3cret@host:notaport"] {
            #expect {
                _ = try MongoURI(text)
            } throws: { error in
                guard let error = error as? MongoError else { return false }
                return error.code == .invalidURI && !error.message.contains("s3cret")
                    && error.message.hasPrefix("invalid MongoDB connection string")
            }
        }
    }

    @Test("a client pool reports the effective settings of its URI")
    func poolSettings() async throws {
        let pool = try MongoClientPool(
            uri: "mongodb://127.0.0.1:1/?w=majority&serverSelectionTimeoutMS=300",
            logger: Logger(label: "driver-tests"))
        #expect(pool.serverSelectionTimeoutMS == 300)
        #expect(pool.connectTimeoutMS == 2000)
        #expect(pool.writeConcern.w == "majority")
        await pool.close(on: MongoDatabase.testThreadPool)
    }

    @Test("a password is never repeated in an invalid-URI error, even with an unescaped @ or :")
    func passwordRedacted() {
        for uri in [
            "mongodb://admin:S3cretPassw0rd@127.0.0.1:27017/?w=abc&journal=maybe",
            "mongodb://admin:S3cr:etPassw0rd@127.0.0.1:27017/",
            "mongodb://admin:S3cr@tPassw0rd@127.0.0.1:27017/",
            "mongodb://admin:S3cret%zzPassw0rd@127.0.0.1:27017/",
        ] {
            do {
                _ = try MongoURI(uri)
                Issue.record("\(uri) was accepted")
            } catch {
                #expect(error.code == .invalidURI)
                #expect(!error.message.lowercased().contains("s3cr"), "\(error.message)")
            }
            let text = "bad uri \(uri) with \(uri.lowercased())"
            let redacted = MongoURI.redacting(secretsOf: uri, in: text)
            #expect(!redacted.lowercased().contains("s3cr"), "\(redacted)")
        }
    }
}
