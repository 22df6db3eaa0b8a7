import Testing

@testable import Providers

@Suite("NDJSON line splitter")
struct NDJSONLineSplitterTests {
    private func lines(_ pieces: [String]) throws -> [String] {
        var splitter = NDJSONLineSplitter()
        var result: [[UInt8]] = []
        for piece in pieces { result += try splitter.feed(Array(piece.utf8)) }
        result += splitter.finish()
        return result.map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("lines split across buffers at every byte are reassembled, CRLF trimmed and blank lines skipped")
    func everySplitPoint() throws {
        let body = "{\"a\":\"ü\"}\r\n\n  \n{\"b\":2}\n{\"c\":3}"
        let expected = [#"{"a":"ü"}"#, #"{"b":2}"#, #"{"c":3}"#]
        let bytes = Array(body.utf8)
        for split in 0...bytes.count {
            var splitter = NDJSONLineSplitter()
            var result = try splitter.feed(bytes[..<split])
            result += try splitter.feed(bytes[split...])
            result += splitter.finish()
            #expect(result.map { String(decoding: $0, as: UTF8.self) } == expected, "split at byte \(split)")
        }
    }

    @Test("a last line without a newline is returned at EOF and nothing else is")
    func lastLineAtEOF() throws {
        #expect(try lines(["{\"done\":true}"]) == [#"{"done":true}"#])
        #expect(try lines(["{\"x\":1}\n"]) == [#"{"x":1}"#])
    }

    @Test("a line longer than the limit is refused as an invalid response")
    func oversizedLine() {
        var splitter = NDJSONLineSplitter(maxLineBytes: 8)
        let error = #expect(throws: ProviderError.self) {
            _ = try splitter.feed(Array("0123456789".utf8))
        }
        #expect(error?.kind == .invalidResponse)
    }
}
