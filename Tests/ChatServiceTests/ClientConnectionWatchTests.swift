import NIOCore
import NIOEmbedded
import Testing

@testable import ChatService

/// `ClientConnectionWatch` found without asking the pipeline, and what it does when the client leaves.
@Suite("Client connection watch")
struct ClientConnectionWatchTests {
    @Test("a channel's watch is found while it is in the pipeline, and not after")
    func lookUp() async throws {
        let channel = EmbeddedChannel()
        let other = EmbeddedChannel()
        #expect(ClientConnectionWatch.watch(of: channel) == nil)
        let watch = ClientConnectionWatch()
        try channel.pipeline.syncOperations.addHandler(watch)
        #expect(ClientConnectionWatch.watch(of: channel) === watch)
        #expect(ClientConnectionWatch.watch(of: other) == nil)
        _ = try await channel.pipeline.syncOperations.removeHandler(watch).get()
        #expect(ClientConnectionWatch.watch(of: channel) == nil)
        _ = try channel.finish()
        _ = try other.finish()
    }

    @Test("closing the channel removes its watch")
    func closeRemoves() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ClientConnectionWatch())
        #expect(ClientConnectionWatch.watch(of: channel) != nil)
        _ = try channel.finish()
        #expect(ClientConnectionWatch.watch(of: channel) == nil)
    }

    @Test("a call is cancelled when its client leaves, and says so")
    func cancelledWhenClientLeaves() async throws {
        let channel = EmbeddedChannel()
        let watch = ClientConnectionWatch()
        try channel.pipeline.syncOperations.addHandler(watch)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        let started = AsyncStream<Void>.makeStream()
        let call = Task {
            await watch.cancellingWhenClientLeaves {
                started.continuation.yield()
                return await Self.sleepUntilCancelled()
            }
        }
        for await _ in started.stream { break }
        channel.pipeline.fireChannelInactive()
        let (wasCancelled, clientLeft) = await call.value
        #expect(wasCancelled)
        #expect(clientLeft)
        _ = try? channel.finish()
    }

    @Test("a call whose client stays runs to its end")
    func clientStays() async throws {
        let channel = EmbeddedChannel()
        let watch = ClientConnectionWatch()
        try channel.pipeline.syncOperations.addHandler(watch)
        let (value, clientLeft) = await watch.cancellingWhenClientLeaves { 42 }
        #expect(value == 42)
        #expect(!clientLeft)
        _ = try channel.finish()
    }

    /// Sleeps (up to a minute) and says whether the sleep was cancelled.
    private static func sleepUntilCancelled() async -> Bool {
        do {
            try await Task.sleep(for: .seconds(60))
            return false
        } catch {
            return true
        }
    }
}
