import Foundation
import NIOCore
import NIOHTTP1

/// The per-connection HTTP/1.1 handler of the `ProviderDouble`: collects a request, asks the
/// double what to answer, and writes it (after a scripted delay, streamed, truncated or not at all).
final class ProviderDoubleHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let double: ProviderDoubleReference
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    /// The exchange whose reply is being written on this connection, until it is complete.
    private var exchangeInFlight: (double: ProviderDouble, id: Int)?

    init(double: ProviderDoubleReference) {
        self.double = double
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head, let double = double.value else {
                context.close(promise: nil)
                return
            }
            self.head = nil
            respond(to: head, double: double, context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let (double, id) = exchangeInFlight {
            exchangeInFlight = nil
            double.updateExchange(id) { $0.closedByClient = true }
        }
        context.fireChannelInactive()
    }

    private func respond(to head: HTTPRequestHead, double: ProviderDouble, context: ChannelHandlerContext) {
        let (path, queryText) = Self.split(uri: head.uri)
        var headers: [String: String] = [:]
        for (name, value) in head.headers {
            let key = name.lowercased()
            headers[key] = headers[key].map { "\($0), \(value)" } ?? value
        }
        let request = ProviderDoubleRequest(
            method: head.method.rawValue,
            uri: head.uri,
            path: path,
            route: ProviderDoubleResponder.route(method: head.method, path: path),
            headers: headers,
            body: String(buffer: body)
        )
        let reply = double.reply(to: request, method: head.method, query: Self.parse(query: queryText))
        exchangeInFlight = reply.exchangeID.map { (double, $0) }
        let keepAlive = head.isKeepAlive
        let isHead = head.method == .HEAD
        if reply.delay > .zero {
            context.eventLoop.assumeIsolated().scheduleTask(in: reply.delay) {
                self.write(reply, keepAlive: keepAlive, isHead: isHead, context: context)
            }
        } else {
            write(reply, keepAlive: keepAlive, isHead: isHead, context: context)
        }
    }

    private func write(_ reply: ProviderDoubleReply, keepAlive: Bool, isHead: Bool, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = reply.headers
        let length = reply.chunks.reduce(0) { $0 + $1.readableBytes }
        switch reply.ending {
        case .dropWithoutAnswer:
            exchangeInFlight = nil
            context.close(promise: nil)
            return
        case .closeMidBody:
            exchangeInFlight = nil
            headers.replaceOrAdd(name: "content-length", value: String(length))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers))),
                promise: nil)
            if var whole = reply.chunks.first, let half = whole.readSlice(length: whole.readableBytes / 2) {
                context.write(wrapOutboundOut(.body(.byteBuffer(half))), promise: nil)
            }
            context.flush()
            context.close(promise: nil)
            return
        case .complete:
            break
        }
        if reply.streamed {
            headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
        } else {
            headers.replaceOrAdd(name: "content-length", value: String(length))
        }
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: reply.status, headers: headers))),
            promise: nil)
        if !isHead, reply.chunkDelay > .zero {
            context.flush()
            writePaced(reply.chunks[...], delay: reply.chunkDelay, keepAlive: keepAlive, context: context)
            return
        }
        if !isHead {
            reportProgress { $0.chunksWritten = reply.chunks.count }
            for chunk in reply.chunks where chunk.readableBytes > 0 {
                context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            }
        }
        end(keepAlive: keepAlive, context: context)
    }

    /// Writes one chunk per `delay`, flushing each, then ends the response; stops if the client
    /// has gone.
    private func writePaced(
        _ chunks: ArraySlice<ByteBuffer>, delay: TimeAmount, keepAlive: Bool, context: ChannelHandlerContext
    ) {
        guard let chunk = chunks.first else {
            end(keepAlive: keepAlive, context: context)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
            guard context.channel.isActive else { return }
            // Progress is recorded before the write, so a client never sees more than is recorded.
            self.reportProgress { $0.chunksWritten += 1 }
            context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            self.writePaced(chunks.dropFirst(), delay: delay, keepAlive: keepAlive, context: context)
        }
    }

    private func end(keepAlive: Bool, context: ChannelHandlerContext) {
        reportProgress { $0.completed = true }
        exchangeInFlight = nil
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    private func reportProgress(_ update: (inout ProviderDoubleExchange) -> Void) {
        guard let (double, id) = exchangeInFlight else { return }
        double.updateExchange(id, update)
    }

    static func split(uri: String) -> (path: String, query: Substring) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), uri[uri.index(after: mark)...])
    }

    /// `a=1&b=2` → `["a": "1", "b": "2"]` (percent-decoded; the last of a repeated key wins).
    static func parse(query: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            result[key] = value
        }
        return result
    }
}
