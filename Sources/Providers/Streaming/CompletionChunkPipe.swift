/// The pipe between the task reading a provider's streamed response and its `CompletionStream`.
typealias CompletionChunkPipe = SingleConsumerPipe<CompletionChunk>

extension SingleConsumerPipe where Element == CompletionChunk {
    convenience init() {
        self.init(consumer: "a CompletionStream", cancelledMessage: "the stream's consumer was cancelled")
    }
}
