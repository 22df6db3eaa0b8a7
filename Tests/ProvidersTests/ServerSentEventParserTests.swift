import Testing

@testable import Providers

@Suite("Server-sent event parser")
struct ServerSentEventParserTests {
    /// Feeds `pieces` one after another, then EOF.
    private func parse(_ pieces: [[UInt8]]) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for piece in pieces { events += try parser.feed(piece) }
        return events + parser.finish()
    }

    private static let sample = Array(
        ": keep-alive\r\ndata: {\"text\":\"Grüße 👋\"}\r\n\r\nevent: update\ndata: first\ndata:second\nid: 7\n\n:ping\n\ndata: last\r\r"
            .utf8
    )
    private static let expected = [
        ServerSentEvent(data: #"{"text":"Grüße 👋"}"#),
        ServerSentEvent(data: "first\nsecond", event: "update", id: "7"),
        ServerSentEvent(data: "last", id: "7"),
    ]

    @Test("a stream split at every byte boundary parses the same as when fed whole")
    func everySplitPoint() throws {
        #expect(try parse([Self.sample]) == Self.expected)
        for split in 0...Self.sample.count {
            let pieces = [Array(Self.sample[..<split]), Array(Self.sample[split...])]
            #expect(try parse(pieces) == Self.expected, "split at byte \(split)")
        }
    }

    @Test("a stream fed one byte at a time parses the same as when fed whole")
    func oneByteAtATime() throws {
        #expect(try parse(Self.sample.map { [$0] }) == Self.expected)
    }

    @Test("multi-line data is joined with a newline and only one space after the colon is stripped")
    func multiLineData() throws {
        let events = try parse([Array("data:  two spaces\ndata:none\ndata\n\n".utf8)])
        #expect(events == [ServerSentEvent(data: " two spaces\nnone\n")])
    }

    @Test("comments, keep-alives and blank lines alone produce no events")
    func commentsOnly() throws {
        #expect(try parse([Array(": OPENROUTER PROCESSING\n\n:\r\n\r\n\n\nevent: ping\n\n".utf8)]).isEmpty)
    }

    @Test("a CRLF split between two buffers ends one line, not two")
    func crlfAcrossBuffers() throws {
        let events = try parse([Array("data: a\r".utf8), Array("\ndata: b\r\n\r".utf8), Array("\n".utf8)])
        #expect(events == [ServerSentEvent(data: "a\nb")])
    }

    @Test("an event without the closing blank line is still dispatched at EOF")
    func pendingEventAtEOF() throws {
        #expect(try parse([Array("data: {\"a\":1}".utf8)]) == [ServerSentEvent(data: #"{"a":1}"#)])
    }

    @Test("an event larger than the limit is refused as an invalid response")
    func oversizedEvent() {
        var parser = ServerSentEventParser(maxEventBytes: 16)
        let error = #expect(throws: ProviderError.self) {
            _ = try parser.feed(Array("data: 0123456789\ndata: 0123456789\n".utf8))
        }
        #expect(error?.kind == .invalidResponse)
    }
}
