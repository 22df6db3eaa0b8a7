import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

extension ProviderHTTPTransport {
    /// POSTs `body` (JSON text, sent as it is) and, on a 2xx, returns the NDJSON answer as raw
    /// lines once its first line has arrived, so a caller can retry or fall back up to that point
    /// and forward every line untouched after it.
    ///
    /// Timeouts and failures as in `openStream`: `firstByteTimeout` bounds connect → head → first
    /// line (a non-2xx answer is read within it and thrown as `errorForStatus` reads it);
    /// `idleTimeout` bounds each later gap; a body that breaks off ends the stream with `.connect`.
    func openLineStream(
        url: String,
        body: ByteBuffer,
        model: String,
        firstByteTimeout: Duration,
        idleTimeout: Duration,
        logger: Logger
    ) async throws(ProviderError) -> (first: [UInt8], stream: OllamaLineStream) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        request.headers.replaceOrAdd(name: "accept", value: "application/x-ndjson")
        request.body = .bytes(body)

        let clock = self.clock
        let started = clock.now
        let firstByteDeadline = started + firstByteTimeout
        let metadata: Logger.Metadata = ["provider": "\(provider)", "model": "\(model)"]
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, deadline: .now() + TimeAmount(firstByteTimeout))
        } catch {
            throw logFailure(
                error, timeout: firstByteTimeout, since: started, metadata: metadata, "provider stream failed to open",
                logger)
        }
        guard (200..<300).contains(response.status.code) else {
            let errorBody: ByteBuffer
            do {
                let maxResponseBytes = self.maxResponseBytes
                errorBody = try await Self.run(until: firstByteDeadline, on: clock) {
                    try await response.body.collect(upTo: maxResponseBytes)
                }
            } catch {
                throw Self.map(error, timeout: firstByteTimeout)
            }
            throw errorForStatus(response.status, response.headers, errorBody)
        }

        let stream = OllamaLineStream()
        let progress = StreamProgress(firstChunkDeadline: firstByteDeadline)
        // The body outlives the attempt that opened it: its connection is in use until the reader ends.
        let connection = ProviderConnectionPermit.current.flatMap { $0.hold() ? $0 : nil }
        let reader = Task {
            defer { connection?.release() }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await Self.pumpLines(
                        response.body, into: stream, progress: progress, clock: clock, idle: idleTimeout)
                }
                group.addTask {
                    await Self.watchLines(progress: progress, stream: stream, clock: clock, idle: idleTimeout)
                }
                await group.next()
                group.cancelAll()
            }
            logger.debug(
                "provider stream ended",
                metadata: metadata.merging([
                    "lines": "\(progress.chunks)", "latency_ms": "\((clock.now - started).milliseconds)",
                ]) { $1 })
        }
        stream.setOnCancel { reader.cancel() }
        guard let first = try await stream.next() else {
            throw ProviderError(kind: .invalidResponse, message: "Ollama's stream ended before its first line")
        }
        return (first, stream)
    }

    /// Splits the body into lines and feeds them to the stream; every line pushes the idle
    /// deadline on.
    private static func pumpLines(
        _ body: HTTPClientResponse.Body, into stream: OllamaLineStream, progress: StreamProgress,
        clock: ProviderClock, idle: Duration
    ) async {
        var splitter = NDJSONLineSplitter()
        func deliver(_ lines: [[UInt8]]) {
            for line in lines {
                progress.chunkArrived(nextDue: clock.now + idle)
                stream.yield(line)
            }
        }
        do {
            for try await buffer in body {
                deliver(try splitter.feed(buffer.readableBytesView))
            }
            deliver(splitter.finish())
            stream.finish()
        } catch {
            var mapped = map(error, timeout: idle)
            if mapped.kind == .connect {
                mapped.message = "the stream broke off after \(progress.chunks) line(s): \(mapped.message)"
            }
            stream.finish(throwing: mapped)
        }
    }

    /// Ends the stream with `.timeout` when the first line, then each next one, is overdue.
    private static func watchLines(
        progress: StreamProgress, stream: OllamaLineStream, clock: ProviderClock, idle: Duration
    ) async {
        while true {
            do {
                try await clock.sleep(until: min(progress.deadline, clock.now + idle))
            } catch {
                return
            }
            guard clock.now >= progress.deadline else { continue }
            let lines = progress.chunks
            let message =
                lines == 0
                ? "no first line before the first-byte timeout"
                : "no line for \(idle.milliseconds) ms after \(lines) line(s) (idle timeout)"
            stream.finish(throwing: ProviderError(kind: .timeout, message: message))
            return
        }
    }
}
