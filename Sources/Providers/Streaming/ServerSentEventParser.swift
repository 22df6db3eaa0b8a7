/// An incremental `text/event-stream` parser, so streamed answers can be decoded from body
/// buffers that split lines, CRLF pairs and even UTF-8 sequences at arbitrary byte boundaries.
///
/// Follows the WHATWG rules openai-python's reader follows: lines end in LF, CR or CRLF; a line
/// starting with `:` is a comment (keep-alive); `field: value` strips one space after the colon;
/// several `data:` lines are joined with `"\n"`; a blank line dispatches the event, and an event
/// without data is dropped. Unlike the browser algorithm, an event still pending at EOF is
/// dispatched by `finish()` (a server that forgets the last blank line should not lose text).
struct ServerSentEventParser: Sendable {
    /// The most one event (its data plus the current line) may hold; beyond that the stream is
    /// refused as `.invalidResponse` rather than grow without bound.
    var maxEventBytes: Int

    private var line: [UInt8] = []
    private var lastByteWasCR = false
    private var isFirstLine = true
    private var dataLines: [String] = []
    private var dataBytes = 0
    private var eventType: String?
    private var eventID: String?

    init(maxEventBytes: Int = 8 * 1024 * 1024) {
        self.maxEventBytes = maxEventBytes
    }

    /// Consumes `bytes` and returns the events they completed.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(ProviderError) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                if lastByteWasCR {
                    lastByteWasCR = false
                    continue
                }
                endLine(into: &events)
            case UInt8(ascii: "\r"):
                endLine(into: &events)
                lastByteWasCR = true
            default:
                lastByteWasCR = false
                line.append(byte)
                if line.count + dataBytes > maxEventBytes {
                    throw ProviderError(
                        kind: .invalidResponse, message: "a stream event exceeds \(maxEventBytes) bytes")
                }
            }
        }
        return events
    }

    /// The end of the body: completes a last unterminated line and dispatches a pending event.
    mutating func finish() -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        if !line.isEmpty { endLine(into: &events) }
        dispatch(into: &events)
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        var text = String(decoding: line, as: UTF8.self)
        line.removeAll(keepingCapacity: true)
        if isFirstLine {
            isFirstLine = false
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        }
        guard !text.isEmpty else {
            dispatch(into: &events)
            return
        }
        if text.hasPrefix(":") { return }  // comment / keep-alive
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data":
            dataLines.append(String(value))
            dataBytes += value.utf8.count + 1
        case "event":
            eventType = String(value)
        case "id":
            if !value.contains("\0") { eventID = String(value) }
        default:
            break  // `retry` and unknown fields are ignored
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            dataLines.removeAll(keepingCapacity: true)
            dataBytes = 0
            eventType = nil
        }
        guard !dataLines.isEmpty else { return }
        events.append(ServerSentEvent(data: dataLines.joined(separator: "\n"), event: eventType, id: eventID))
    }
}
