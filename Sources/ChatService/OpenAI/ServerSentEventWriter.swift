import Foundation
import Hummingbird
import NIOCore

/// Writes `data: <json>\n\n` events (and the `data: [DONE]` terminator) to a response body,
/// one write per event so each reaches the client as soon as it is produced.
struct ServerSentEventWriter {
    private var writer: any ResponseBodyWriter
    private let encoder: JSONEncoder

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
        self.encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    mutating func send(_ event: some Encodable) async throws {
        var buffer = ByteBuffer(string: "data: ")
        buffer.writeBytes(try encoder.encode(event))
        buffer.writeString("\n\n")
        try await writer.write(buffer)
    }

    mutating func sendDone() async throws {
        try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
    }

    consuming func finish() async throws {
        try await writer.finish(nil)
    }
}
