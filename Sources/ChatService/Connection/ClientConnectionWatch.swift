import NIOCore
import Synchronization

/// Tells a running call that its client went away, so the upstream request it is waiting on can
/// be cancelled and the call stored as `client_disconnected` instead of being answered into a
/// closed socket (issue 14 rows 1 and 8).
///
/// Hummingbird does not cancel a handler whose connection closes, and a response written to a
/// closed connection never runs its body, so without this a streamed call whose client reset
/// before the first byte left no document at all. One watch sits in every connection's pipeline
/// (`HTTP1Channel.Configuration.additionalChannelHandlers`); a call registers one action while it
/// waits and removes it when done, so nothing accumulates on a long keep-alive connection.
///
/// A call finds its connection's watch with `watch(of:)`, a look-up in a table the watch joins
/// when it is added to a pipeline and leaves when it is removed (the channel closed): no hop to
/// the channel's event loop, as asking the pipeline for the handler would be.
final class ClientConnectionWatch: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = Any

    private struct State {
        var clientLeft = false
        var onLeave: (@Sendable () -> Void)?
    }

    /// One watched connection: its channel (to tell it from a later one at the same address) and
    /// its watch.
    private typealias Entry = (channel: any Channel, watch: ClientConnectionWatch)

    /// The watch of every open connection, by channel.
    private static let watches = Mutex<[ObjectIdentifier: Entry]>([:])

    private let state = Mutex(State())

    init() {}

    /// The watch in `channel`'s pipeline, or `nil` when it has none (a test's in-memory server)
    /// or it was removed (the connection closed).
    static func watch(of channel: any Channel) -> ClientConnectionWatch? {
        let key = ObjectIdentifier(channel)
        return watches.withLock { watches in
            guard let entry = watches[key], entry.channel === channel else { return nil }
            return entry.watch
        }
    }

    /// Whether the client has closed (or reset) the connection.
    var clientLeft: Bool { state.withLock { $0.clientLeft } }

    /// Runs `operation` in a child task that is cancelled as soon as the client leaves (or the
    /// caller's task is cancelled); returns its value and whether the client left meanwhile.
    func cancellingWhenClientLeaves<Value: Sendable>(
        _ operation: @escaping @Sendable () async -> Value
    ) async -> (value: Value, clientLeft: Bool) {
        let task = Task { await operation() }
        let alreadyGone = state.withLock { state -> Bool in
            if state.clientLeft { return true }
            state.onLeave = { task.cancel() }
            return false
        }
        if alreadyGone { task.cancel() }
        let value = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        let left = state.withLock { state -> Bool in
            state.onLeave = nil
            return state.clientLeft
        }
        return (value, left)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        Self.watches.withLock { $0[ObjectIdentifier(channel)] = (channel, self) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        let channel = context.channel
        Self.watches.withLock { watches in
            if let entry = watches[ObjectIdentifier(channel)], entry.watch === self {
                watches[ObjectIdentifier(channel)] = nil
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientHasLeft()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Hummingbird allows remote half-closure: a client that closes its socket sends a FIN
        // that arrives as `inputClosed` while the channel stays active for our answer. An HTTP/1.1
        // client never half-closes while waiting for an answer, so this is a client that left.
        if let event = event as? ChannelEvent, event == .inputClosed {
            clientHasLeft()
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func clientHasLeft() {
        let action = state.withLock { state -> (@Sendable () -> Void)? in
            state.clientLeft = true
            defer { state.onLeave = nil }
            return state.onLeave
        }
        action?()
    }
}
