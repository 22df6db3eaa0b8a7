import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Persistence
import Providers

extension OllamaNativeController {
    /// Streams Ollama's NDJSON answer through. Retries and fallback run until the first line
    /// exists; then the head goes out and every line is forwarded as it arrives, except the final
    /// `done: true` line, which waits until the document is stored (an answer that cannot be
    /// stored ends with `{"error": …}` instead). An upstream failure after the first line ends the
    /// stream with an `{"error": …}` line, as Ollama does; a client that goes away cancels the
    /// upstream request and its partial answer is stored as `client_disconnected`. A heavy
    /// model's turn (`lease`) is held until the stream is over.
    func stream(
        _ native: OllamaNativeRequest, call: CallRecord, lease: HeavyModelLease?, deadline: ContinuousClock.Instant,
        context: ChatRequestContext, logger: Logger
    ) async throws -> Response {
        let idleTimeout = calls.chain.providerTimeout
        let result = await context.timing.upstream {
            await calls.chain.ollamaNative(model: native.model, deadline: deadline, logger: logger) {
                ollama, timeout throws(ProviderError) in
                try await ollama.nativeStream(
                    native.endpoint, body: native.body, model: native.model, firstByteTimeout: timeout,
                    idleTimeout: idleTimeout, logger: logger)
            }
        }
        let answer: ChainAnswer<(first: [UInt8], stream: OllamaLineStream)>
        switch result {
        case .failure(let failure):
            lease?.release()
            try await record(.failure(failure), call: call, native: native, timing: context.timing, logger: logger)
            logger.warning("ollama stream failed before its first byte", metadata: ["detail": "\(failure.message)"])
            throw APIError(ollamaFailure: failure)
        case .success(let value):
            answer = value
        }

        let timing = context.timing
        // If Hummingbird never runs the body (the client left before the head): the stream is
        // dropped, the heavy model's turn given back and the call stored.
        let (lines, provider, model, attempts, fallback) = (
            answer.value.stream, answer.provider, answer.model, answer.attempts, answer.fallback
        )
        let unwritten = UnwrittenBodyGuard { [self] in
            lines.cancel()
            lease?.release()
            let success = ChainSuccess(
                completion: OllamaNativeAnswer(endpoint: native.endpoint).completion(requestedModel: native.model),
                provider: provider, model: model, attempts: attempts, fallback: fallback)
            logger.notice("client disconnected before the stream's head; upstream request cancelled")
            _ = try? await record(.success(success), call: call, native: native, timing: timing, logger: logger) {
                $0.markClientDisconnected(UnwrittenBodyGuard.message)
            }
        }
        let body = ResponseBody { writer in
            unwritten.bodyStarted()
            await relay(answer, native: native, call: call, lease: lease, timing: timing, logger: logger, to: &writer)
        }
        return Response(
            status: .ok, headers: [.contentType: "application/x-ndjson", .cacheControl: "no-cache"], body: body)
    }

    /// Forwards the stream's lines to `writer` (see `stream`), stores the call, then ends the body.
    private func relay(
        _ answer: ChainAnswer<(first: [UInt8], stream: OllamaLineStream)>, native: OllamaNativeRequest,
        call: CallRecord, lease: HeavyModelLease?, timing: RequestTiming, logger: Logger,
        to writer: inout any ResponseBodyWriter
    ) async {
        let lines = answer.value.stream
        defer {
            lines.cancel()
            lease?.release()
        }
        var read = OllamaNativeAnswer(endpoint: native.endpoint)
        var outcome = Outcome.completed
        var finalLine: [UInt8]?
        var next: [UInt8]? = answer.value.first
        while let line = next {
            if read.add(line: line) {
                finalLine = line
            } else {
                do {
                    try await writer.write(Self.framed(line))
                } catch {
                    outcome = .clientDisconnected
                    break
                }
            }
            do {
                next = try await lines.next()
            } catch {
                outcome = .upstreamFailed("\(error)")
                next = nil
            }
        }
        if case .completed = outcome {
            if let error = read.error {
                outcome = .upstreamFailed("Ollama reported an error mid-stream: \(error)")
            } else if !read.isDone {
                outcome = .upstreamFailed("Ollama's stream ended without a done line")
            }
        }
        let success = ChainSuccess(
            completion: read.completion(requestedModel: native.model), provider: answer.provider,
            model: answer.model, attempts: answer.attempts, fallback: answer.fallback)
        let storage: APIError?
        do throws(APIError) {
            try await record(.success(success), call: call, native: native, timing: timing, logger: logger) {
                interaction in
                switch outcome {
                case .completed: break
                case .upstreamFailed(let message):
                    interaction.status = .error
                    interaction.error = InteractionError(code: "upstream_failed", message: message)
                case .clientDisconnected:
                    interaction.status = .error
                    interaction.error = InteractionError(
                        code: "client_disconnected", message: "the client closed the connection mid-stream")
                }
            }
            storage = nil
        } catch {
            storage = error
        }
        switch outcome {
        case .clientDisconnected:
            logger.notice("client disconnected mid-stream; upstream request cancelled")
            return
        case .upstreamFailed(let message):
            logger.error("ollama failed mid-stream", metadata: ["error": "\(message)"])
            // Ollama's own error line was forwarded already; a broken stream gets one here.
            if read.error == nil { try? await writer.write(Self.errorLine(message)) }
        case .completed:
            if let storage {
                try? await writer.write(Self.errorLine(storage.message))
            } else if let finalLine {
                try? await writer.write(Self.framed(finalLine))
            }
        }
        try? await writer.finish(nil)
    }

    /// How a stream ended.
    private enum Outcome {
        case completed
        case upstreamFailed(String)
        case clientDisconnected
    }

    /// One NDJSON line as sent, with its newline.
    private static func framed(_ line: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer(bytes: line)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }

    /// Ollama's mid-stream error line, `{"error":"…"}`.
    private static func errorLine(_ message: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        try? JSONResponse.write(APIErrorDialect.OllamaBody(error: message), into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
