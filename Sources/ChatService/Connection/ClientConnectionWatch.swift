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
final class ClientConnectionWatch: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = Any

    private struct State {
        var clientLeft = false
        var onLeave: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    init() {}

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
