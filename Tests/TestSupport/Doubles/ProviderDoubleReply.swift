import NIOCore
import NIOHTTP1

/// What the `ProviderDouble`'s channel handler should put on the wire for one request.
struct ProviderDoubleReply: Sendable {
    /// How the exchange ends.
    enum Ending: Sendable {
        /// A complete response; the connection stays open if the client asked for keep-alive.
        case complete
        /// Close without writing anything.
        case dropWithoutAnswer
        /// Write the head (full `content-length`) and half the body, then close.
        case closeMidBody
    }

    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    /// The body; more than one chunk (or `streamed`) means chunked transfer encoding.
    var chunks: [ByteBuffer]
    var streamed: Bool
    var delay: TimeAmount
    /// Wait before each body chunk (after the head); zero writes the body at once.
    var chunkDelay: TimeAmount = .zero
    var ending: Ending
    /// Set by the double for generation requests: where to report wire progress.
    var exchangeID: Int?

    init(
        status: HTTPResponseStatus = .ok,
        headers: HTTPHeaders = HTTPHeaders(),
        chunks: [ByteBuffer] = [],
        streamed: Bool = false,
        delay: TimeAmount = .zero,
        ending: Ending = .complete
    ) {
        self.status = status
        self.headers = headers
        self.chunks = chunks
        self.streamed = streamed
        self.delay = delay
        self.ending = ending
    }

    /// A non-streamed JSON (or other) body.
    static func body(_ status: HTTPResponseStatus, contentType: String, _ text: String) -> Self {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        return Self(status: status, headers: headers, chunks: [ByteBuffer(string: text)])
    }
}
