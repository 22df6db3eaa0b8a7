import Hummingbird
import NIOCore

/// Writes `data: <json>\n\n` events (and the `data: [DONE]` terminator) to a response body,
/// one write per event so each reaches the client as soon as it is produced. The JSON is
/// `JSONResponse`'s, like every other body of the service.
struct ServerSentEventWriter {
    private var writer: any ResponseBodyWriter

    init(_ writer: any ResponseBodyWriter) {
        self.writer = writer
    }

    mutating func send(_ event: some Encodable) async throws {
        var buffer = ByteBuffer(string: "data: ")
        try JSONResponse.write(event, into: &buffer)
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
