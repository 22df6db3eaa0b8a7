import AsyncHTTPClient
import Logging
import NIOCore
import NIOHTTP1

extension ProviderHTTPTransport {
    /// POSTs `body` (JSON text, sent as it is) and, on a 2xx, starts a task that reads the answer
    /// through `decoder` into `pipe` while it arrives; every kind of streamed answer (a provider's
    /// completion chunks, Ollama's raw lines) is opened, timed and ended by this one function.
    ///
    /// - `firstByteTimeout` bounds connect → response head → first element. A non-2xx answer is
    ///   read (within that time) and thrown as `errorForStatus` reads it, exactly as the
    ///   non-streaming call would, so retry rules are the same.
    /// - `idleTimeout` bounds the wait between two elements once the first has arrived; when it
    ///   runs out the pipe ends with `.timeout` and the request is cancelled.
    /// - Transport failures mid-body end the pipe with `.connect`, decoder errors as they were thrown.
    /// - When the consumer cancels the pipe the reading task is cancelled, which makes
    ///   AsyncHTTPClient cancel the request and close the connection.
    ///
    /// `unit` names one element in messages and log lines (`chunk`, `line`).
    func openStreamedBody<Decoder: StreamBodyDecoder>(
        url: String,
        headers: HTTPHeaders,
        body: ByteBuffer,
        accept: String,
        model: String,
        firstByteTimeout: Duration,
        idleTimeout: Duration,
        decoder: Decoder,
        into pipe: SingleConsumerPipe<Decoder.Element>,
        unit: String,
        logger: Logger
    ) async throws(ProviderError) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers = headers
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        request.headers.replaceOrAdd(name: "accept", value: accept)
        request.body = .bytes(body)

        let clock = self.clock
        let started = clock.now
        let firstByteDeadline = started + firstByteTimeout
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

        let timing = StreamTiming(
            progress: StreamProgress(firstChunkDeadline: firstByteDeadline), clock: clock,
            firstByteTimeout: firstByteTimeout, idleTimeout: idleTimeout, unit: unit)
        // The body outlives the attempt that opened it: its connection is in use until the reader ends.
        let connection = ProviderConnectionPermit.current.flatMap { $0.hold() ? $0 : nil }
        let reader = Task {
            defer { connection?.release() }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await Self.pump(response.body, decoder: decoder, into: pipe, timing: timing) }
                group.addTask { await Self.watch(pipe, timing: timing) }
                // Whichever ends first (body done or timed out) ends the other.
                await group.next()
                group.cancelAll()
            }
            logger.debug(
                "provider stream ended",
                metadata: metadata.merging([
                    "\(unit)s": "\(timing.progress.chunks)", "latency_ms": "\((clock.now - started).milliseconds)",
                ]) { $1 })
        }
        pipe.setOnCancel { reader.cancel() }
    }

    /// What the body reader and its watchdog share: the progress and the two time limits.
    private struct StreamTiming: Sendable {
        let progress: StreamProgress
        let clock: ProviderClock
        let firstByteTimeout: Duration
        let idleTimeout: Duration
        let unit: String
    }

    /// Reads the body, decodes it, and feeds the pipe; every element pushes the idle deadline on.
    private static func pump<Decoder: StreamBodyDecoder>(
        _ body: HTTPClientResponse.Body, decoder: Decoder, into pipe: SingleConsumerPipe<Decoder.Element>,
        timing: StreamTiming
    ) async {
        var decoder = decoder
        func deliver(_ elements: [Decoder.Element]) {
            for element in elements {
                timing.progress.chunkArrived(nextDue: timing.clock.now + timing.idleTimeout)
                pipe.yield(element)
            }
        }
        do {
            for try await buffer in body {
                deliver(try decoder.decode(buffer))
            }
            deliver(try decoder.finish())
            pipe.finish()
        } catch {
            var mapped = map(error, timeout: timing.idleTimeout)
            if mapped.kind == .connect {
                mapped.message =
                    "the stream broke off after \(timing.progress.chunks) \(timing.unit)(s): \(mapped.message)"
            }
            pipe.finish(throwing: mapped)
        }
    }

    /// Ends the pipe with `.timeout` when the current deadline (first element, then idle) passes.
    private static func watch<Element>(_ pipe: SingleConsumerPipe<Element>, timing: StreamTiming) async {
        let (clock, unit) = (timing.clock, timing.unit)
        while true {
            // Never sleep longer than one idle period: the first element replaces the (longer)
            // first-byte deadline with a shorter idle one.
            let wake = min(timing.progress.deadline, clock.now + timing.idleTimeout)
            do {
                try await clock.sleep(until: wake)
            } catch {
                return  // cancelled: the body ended or the consumer left
            }
            let (current, arrived) = (timing.progress.deadline, timing.progress.chunks)
            guard clock.now >= current else { continue }
            let message =
                arrived == 0
                ? "no first \(unit) within \(timing.firstByteTimeout.milliseconds) ms"
                : "no \(unit) for \(timing.idleTimeout.milliseconds) ms after \(arrived) \(unit)(s) (idle timeout)"
            pipe.finish(throwing: ProviderError(kind: .timeout, message: message))
            return
        }
    }
}
