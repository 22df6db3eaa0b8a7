import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

extension ProviderHTTPTransport {
    /// POSTs `body` as JSON and, on a 2xx, returns the response as a `CompletionStream` decoded by
    /// `decoder` while it arrives.
    ///
    /// - `firstByteTimeout` bounds connect → response head → first chunk. A non-2xx answer is
    ///   read (within that time) and thrown as `errorForStatus` reads it, exactly as the
    ///   non-streaming call would, so retry rules are the same.
    /// - `idleTimeout` bounds the wait between two chunks once the first has arrived; when it
    ///   runs out the stream throws `.timeout` and the request is cancelled.
    /// - Transport failures mid-body surface as `.connect`, decoder errors as they were thrown.
    /// - When the consumer goes away the reading task is cancelled, which makes AsyncHTTPClient
    ///   cancel the request and close the connection.
    func openStream(
        url: String,
        headers: HTTPHeaders,
        body: some Encodable,
        accept: String,
        model: String,
        firstByteTimeout: Duration,
        idleTimeout: Duration,
        decoder: some CompletionStreamDecoder,
        logger: Logger
    ) async throws(ProviderError) -> CompletionStream {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        request.headers.replaceOrAdd(name: "accept", value: accept)
        request.body = .bytes(try WireJSON.encode(body, for: self.provider))

        let clock = self.clock
        let started = clock.now
        let firstByteDeadline = started + firstByteTimeout
        let provider = self.provider
        var metadata: Logger.Metadata = ["provider": "\(provider)", "model": "\(model)"]

        let response: HTTPClientResponse
        do {
            // AsyncHTTPClient's deadline covers the response head only; the body is watched below.
            response = try await httpClient.execute(request, deadline: .now() + TimeAmount(firstByteTimeout))
        } catch {
            throw logFailure(
                error, timeout: firstByteTimeout, since: started, metadata: metadata, "provider stream failed to open",
                logger)
        }
        metadata["status"] = "\(response.status.code)"
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
            let mapped = errorForStatus(response.status, response.headers, errorBody)
            metadata["error"] = "\(mapped.message)"
            metadata["latency_ms"] = "\((clock.now - started).milliseconds)"
            logger.debug("provider stream refused", metadata: metadata)
            throw mapped
        }
        logger.debug(
            "provider stream opened",
            metadata: metadata.merging(["latency_ms": "\((clock.now - started).milliseconds)"]) { $1 })

        let pipe = CompletionChunkPipe()
        let progress = StreamProgress(firstChunkDeadline: firstByteDeadline)
        // The body outlives the attempt that opened it: its connection is in use until the reader ends.
        let connection = ProviderConnectionPermit.current.flatMap { $0.hold() ? $0 : nil }
        let reader = Task {
            defer { connection?.release() }
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await Self.pump(
                        response.body, decoder: decoder, into: pipe, progress: progress, clock: clock,
                        idleTimeout: idleTimeout)
                }
                group.addTask {
                    await Self.watch(
                        progress: progress, pipe: pipe, clock: clock, firstByteTimeout: firstByteTimeout,
                        idleTimeout: idleTimeout)
                }
                // Whichever ends first (body done or timed out) ends the other.
                await group.next()
                group.cancelAll()
            }
            let chunks = progress.chunks
            logger.debug(
                "provider stream ended",
                metadata: metadata.merging([
                    "chunks": "\(chunks)", "latency_ms": "\((clock.now - started).milliseconds)",
                ]) { $1 }
            )
        }
        pipe.setOnCancel { reader.cancel() }
        return CompletionStream(pipe: pipe)
    }

    /// Reads the body, decodes it, and feeds the pipe; every chunk pushes the idle deadline on.
    private static func pump(
        _ body: HTTPClientResponse.Body,
        decoder: some CompletionStreamDecoder,
        into pipe: CompletionChunkPipe,
        progress: StreamProgress,
        clock: ProviderClock,
        idleTimeout: Duration
    ) async {
        var decoder = decoder
        func deliver(_ chunks: [CompletionChunk]) {
            for chunk in chunks {
                progress.chunkArrived(nextDue: clock.now + idleTimeout)
                pipe.yield(chunk)
            }
        }
        do {
            for try await buffer in body {
                deliver(try decoder.decode(buffer))
            }
            deliver(try decoder.finish())
            pipe.finish()
        } catch {
            var mapped = map(error, timeout: idleTimeout)
            if mapped.kind == .connect {
                mapped.message = "the stream broke off after \(progress.chunks) chunk(s): \(mapped.message)"
            }
            pipe.finish(throwing: mapped)
        }
    }

    /// Ends the stream with `.timeout` when the current deadline (first chunk, then idle) passes.
    private static func watch(
        progress: StreamProgress,
        pipe: CompletionChunkPipe,
        clock: ProviderClock,
        firstByteTimeout: Duration,
        idleTimeout: Duration
    ) async {
        while true {
            // Never sleep longer than one idle period: the first chunk replaces the (longer)
            // first-byte deadline with a shorter idle one.
            let wake = min(progress.deadline, clock.now + idleTimeout)
            do {
                try await clock.sleep(until: wake)
            } catch {
                return  // cancelled: the body ended or the consumer left
            }
            let (current, chunks) = (progress.deadline, progress.chunks)
            guard clock.now >= current else { continue }
            let message =
                chunks == 0
                ? "no first chunk within \(firstByteTimeout.milliseconds) ms"
                : "no chunk for \(idleTimeout.milliseconds) ms after \(chunks) chunk(s) (idle timeout)"
            pipe.finish(throwing: ProviderError(kind: .timeout, message: message))
            return
        }
    }
}
