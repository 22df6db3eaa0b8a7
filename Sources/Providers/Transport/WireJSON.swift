import Foundation
import NIOCore
import NIOFoundationCompat

/// Encoding our requests and decoding providers' JSON, so a body of the wrong shape fails an
/// attempt the same way for every provider, plain or streamed: `.invalidResponse`, with a message
/// naming what was expected.
enum WireJSON {
    /// JSON-encodes a request body. Encoding our own wire structs does not fail in practice; if
    /// it ever does, the attempt fails as not retryable, naming the provider.
    static func encode(_ value: some Encodable, for provider: ProviderName) throws(ProviderError) -> ByteBuffer {
        do {
            return try JSONEncoder().encodeAsByteBuffer(value, allocator: ByteBufferAllocator())
        } catch {
            throw ProviderError(kind: .invalidResponse, message: "could not encode the \(provider) request: \(error)")
        }
    }

    /// Decodes `data` as `type`, or fails with `.invalidResponse` and `message`.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from data: Data, orFailWith message: @autoclosure () -> String
    ) throws(ProviderError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw ProviderError(kind: .invalidResponse, message: message())
        }
    }

    /// Decodes a response body as `type`, or fails with `.invalidResponse` and `message`.
    static func decode<Value: Decodable>(
        _ type: Value.Type, from body: ByteBuffer, orFailWith message: @autoclosure () -> String
    ) throws(ProviderError) -> Value {
        try decode(type, from: Data(buffer: body), orFailWith: message())
    }
}
