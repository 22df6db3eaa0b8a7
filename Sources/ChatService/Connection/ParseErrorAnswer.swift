import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP/1 parser rejects (a malformed request line or header line) with a
/// 400 carrying the service's JSON error body, then closes the connection (issue 14 row 12).
///
/// Hummingbird answers such a request itself, with an empty `400` (its `handleHTTP` catches the
/// `HTTPParserError`), which no client can show its user. This handler sits right after the HTTP/1
/// codec (`HTTP1Channel.Configuration.additionalChannelHandlers`), so it sees the parser's error
/// before Hummingbird does. The body is OpenAI's `{"error": {"message","type","param","code"}}`
/// with `code: "invalid_request"`: the route family cannot be told from a request that could not
/// be read, and this shape is also what native clients read (`error.code`, `error.message`).
///
/// Pipelined requests that were read before the malformed one are answered first: the 400 goes
/// out after the last of their responses. A parse error in the middle of a request (its body) is
/// left to Hummingbird, whose responder is already reading that request.
final class ParseErrorAnswer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Requests whose head has been read and whose response has not ended yet.
    private var unanswered = 0
    /// A request's head has been read but not its end.
    private var readingRequest = false
    /// The parser's error, waiting for the pipelined responses before it to go out.
    private var pendingError: HTTPParserError?
    /// The 400 has been written: every later error (the decoder reports data after its first
    /// error too) is swallowed while the connection closes.
    private var answered = false

    init() {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            unanswered += 1
            readingRequest = true
        case .end:
            readingRequest = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let isEnd: Bool
        if case .end = unwrapOutboundIn(data) { isEnd = true } else { isEnd = false }
        context.write(data, promise: promise)
        guard isEnd else { return }
        unanswered = max(0, unanswered - 1)
        if unanswered == 0, let error = pendingError {
            pendingError = nil
            answer(error, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if answered || pendingError != nil { return }
        guard let parserError = error as? HTTPParserError, !readingRequest else {
            context.fireErrorCaught(error)
            return
        }
        if unanswered > 0 {
            pendingError = parserError
        } else {
            answer(parserError, context: context)
        }
    }

    /// Writes the 400 with its JSON body and `Connection: close`, then closes the connection.
    private func answer(_ error: HTTPParserError, context: ChannelHandlerContext) {
        answered = true
        var body = context.channel.allocator.buffer(capacity: 256)
        let message =
            "The request is not valid HTTP/1.1 (\(error)); nothing of it was read and the connection is closed."
        let detail = OpenAIWire.ErrorBody(
            error: .init(message: message, type: "invalid_request_error", param: nil, code: "invalid_request"))
        do {
            try JSONResponse.write(detail, into: &body)
        } catch {
            // Encoding a struct of four strings cannot fail; should it ever, the status still says it.
            body.clear()
        }
        let head = HTTPResponse(
            status: .badRequest,
            headerFields: [
                .contentType: JSONResponse.contentType, .contentLength: String(body.readableBytes),
                .connection: "close",
            ])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        // Closed once the answer is out (or could not be written): on this channel's event loop.
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
