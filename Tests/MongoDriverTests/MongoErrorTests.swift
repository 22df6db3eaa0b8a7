import CMongoc
import Testing

@testable import MongoDriver

@Suite("MongoError classification")
struct MongoErrorTests {
    @Test("socket and server-selection failures are classified as unreachable")
    func unreachableDomains() {
        #expect(
            MongoError.classify(
                domain: MONGOC_ERROR_STREAM.rawValue, code: MONGOC_ERROR_STREAM_SOCKET.rawValue, fallback: .writeFailed)
                == .unreachable)
        #expect(
            MongoError.classify(
                domain: MONGOC_ERROR_SERVER_SELECTION.rawValue, code: MONGOC_ERROR_SERVER_SELECTION_FAILURE.rawValue,
                fallback: .writeFailed) == .unreachable)
    }

    @Test("a server that is shutting down or not primary counts as unreachable")
    func unreachableServerCodes() {
        for code: UInt32 in [91, 10107, 11600, 13435, 189] {
            #expect(
                MongoError.classify(domain: MONGOC_ERROR_SERVER.rawValue, code: code, fallback: .writeFailed)
                    == .unreachable)
        }
    }

    @Test("server code 11000 is a duplicate key")
    func duplicateKey() {
        #expect(
            MongoError.classify(domain: MONGOC_ERROR_SERVER.rawValue, code: 11000, fallback: .writeFailed)
                == .duplicateKey)
    }

    @Test("a server too old for the driver is a deployment error, not an outage")
    func badWireVersionIsNotAnOutage() {
        #expect(
            MongoError.classify(
                domain: MONGOC_ERROR_SERVER_SELECTION.rawValue,
                code: MONGOC_ERROR_SERVER_SELECTION_BAD_WIRE_VERSION.rawValue,
                fallback: .writeFailed) == .writeFailed)
        #expect(
            MongoError.classify(
                domain: MONGOC_ERROR_PROTOCOL.rawValue, code: MONGOC_ERROR_PROTOCOL_BAD_WIRE_VERSION.rawValue,
                fallback: .commandFailed) == .commandFailed)
    }

    @Test("other server errors and client-side codes fall back to the caller's code")
    func fallback() {
        #expect(
            MongoError.classify(domain: MONGOC_ERROR_SERVER.rawValue, code: 121, fallback: .writeFailed)
                == .writeFailed)
        // A client-side code that happens to equal a network server code is not an outage.
        #expect(
            MongoError.classify(domain: MONGOC_ERROR_COMMAND.rawValue, code: 91, fallback: .commandFailed)
                == .commandFailed)
        #expect(
            MongoError.classify(
                domain: MONGOC_ERROR_CLIENT.rawValue, code: MONGOC_ERROR_CLIENT_AUTHENTICATE.rawValue,
                fallback: .commandFailed) == .commandFailed)
    }

    @Test("a bson_error_t becomes an error carrying its domain, code and message")
    func fromBSONError() {
        var error = bson_error_t()
        error.domain = MONGOC_ERROR_SERVER_SELECTION.rawValue
        error.code = MONGOC_ERROR_SERVER_SELECTION_FAILURE.rawValue
        withUnsafeMutableBytes(of: &error.message) { buffer in
            let text = Array("No suitable servers found".utf8)
            buffer.copyBytes(from: text)
            buffer[text.count] = 0
        }
        let converted = MongoError(error, fallback: .writeFailed, context: "insert")
        #expect(converted.isUnreachable)
        #expect(converted.domain == MONGOC_ERROR_SERVER_SELECTION.rawValue)
        #expect(converted.message == "insert: No suitable servers found")
        #expect(converted.description.hasPrefix("unreachable (domain \(MONGOC_ERROR_SERVER_SELECTION.rawValue), code"))
    }
}
