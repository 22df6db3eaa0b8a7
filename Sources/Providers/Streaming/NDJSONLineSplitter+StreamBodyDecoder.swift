import NIOCore

extension NDJSONLineSplitter: StreamBodyDecoder {
    /// The lines `buffer` completed, for a stream whose consumer forwards lines untouched.
    mutating func decode(_ buffer: ByteBuffer) throws(ProviderError) -> [[UInt8]] {
        try feed(buffer.readableBytesView)
    }
}
