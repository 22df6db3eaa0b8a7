import Logging
import Tracing

/// The retry-and-fallback engine: tries the route's first provider up to `maxAttempts` times,
/// then each fallback in `PROVIDERS` order, within one request deadline.
///
/// Rules (SPEC §2–§3):
/// - only `ProviderError.isRetryable` errors are retried on the same provider; anything else
///   (400/401/403/404, an invalid body) moves to the next provider at once;
/// - each attempt's timeout is `min(providerTimeout, time left until the deadline)`;
/// - before each attempt the call waits for one of its provider host's connections
///   (`ProviderConnectionGate`, `PROVIDER_MAX_CONNECTIONS`). That wait counts against the deadline
///   only: the attempt's clock has not started, so it is never a failed attempt and never causes a
///   retry or a fallback; a deadline that passes there ends the call as `deadlineExceeded`, saying so;
/// - the chain never sleeps past the deadline: if the next backoff would end after it, the
///   current provider is abandoned and the next one tried with the time that is left;
/// - cancelling the calling task stops everything (the in-flight request and any backoff sleep);
/// - `stream` applies the same rules until the first chunk has arrived, then commits.
public struct ProviderChain: Sendable {
    /// Waits for a backoff delay; throws when the waiting task is cancelled.
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    /// In `PROVIDERS` order; the first is the primary.
    public let providers: [any ChatProvider]
    public let retryPolicy: RetryPolicy
    /// `PROVIDER_TIMEOUT_MS`: the most one attempt may take.
    public let providerTimeout: Duration
    let sleep: Sleep
    /// Tells the time for deadlines and attempt latencies; give the providers the same one.
    let clock: ProviderClock

    /// `clock` reads the time against `deadline`s; `sleep` waits out backoff delays and defaults
    /// to sleeping on `clock`. Tests pass their own of either to skip real waiting.
    public init(
        providers: [any ChatProvider],
        retryPolicy: RetryPolicy,
        providerTimeout: Duration,
        clock: ProviderClock = .continuous,
        sleep: Sleep? = nil
    ) {
        precondition(!providers.isEmpty, "a provider chain needs at least one provider")
        self.providers = providers
        self.retryPolicy = retryPolicy
        self.providerTimeout = providerTimeout
        self.clock = clock
        self.sleep = sleep ?? { try await clock.sleep(for: $0) }
    }

    public var providerNames: [ProviderName] { providers.map(\.name) }

    /// One provider and the model to ask it for.
    struct Hop {
        var provider: any ChatProvider
        var model: String
    }

    /// The providers to try, in order, for `route`; empty if the route pins a provider that is
    /// not configured.
    func hops(for route: ProviderRoute) -> [Hop] {
        let firstIndex: Int
        if let pinned = route.first {
            guard let index = providers.firstIndex(where: { $0.name == pinned }) else { return [] }
            firstIndex = index
        } else {
            firstIndex = 0
        }
        let first = providers[firstIndex]
        var hops = [Hop(provider: first, model: route.model ?? first.defaultModel)]
        if route.allowFallback {
            for (index, provider) in providers.enumerated() where index != firstIndex {
                hops.append(Hop(provider: provider, model: provider.defaultModel))
            }
        }
        return hops
    }

    /// Answers `request`, retrying and falling back as `route` allows, until `deadline`.
    public func complete(
        _ request: CompletionRequest,
        route: ProviderRoute,
        deadline: ContinuousClock.Instant,
        logger: Logger
    ) async -> ChainResult {
        let outcome = await run(route: route, deadline: deadline, logger: logger) {
            provider, model, timeout throws(ProviderError) in
            try await provider.complete(request, model: model, timeout: timeout, logger: logger)
        }
        return outcome.fold { success in
            .success(
                ChainSuccess(
                    completion: success.value, provider: success.provider, model: success.model,
                    attempts: success.attempts, fallback: success.fallback))
        } failure: {
            .failure($0)
        }
    }

    /// What `run` hands back when an attempt succeeded.
    struct Outcome<Value: Sendable>: Sendable {
        var value: Value
        var provider: ProviderName
        var model: String
        var attempts: [ProviderAttempt]
        var fallback: Bool
    }

    /// The retry-and-fallback loop shared by `complete` and `stream`: calls `attempt` with each
    /// hop's provider, model and timeout (`min(providerTimeout, time left)`) until one succeeds,
    /// following the rules in the type's documentation.
    func run<Value: Sendable>(
        route: ProviderRoute,
        deadline: ContinuousClock.Instant,
        logger: Logger,
        attempt makeAttempt: (_ provider: any ChatProvider, _ model: String, _ timeout: Duration)
            async throws(ProviderError) -> Value
    ) async -> Result<Outcome<Value>, ChainFailure> {
        let hops = hops(for: route)
        guard !hops.isEmpty else {
            let pinned = route.first?.rawValue ?? "?"
            return .failure(
                ChainFailure(
                    reason: .allProvidersFailed,
                    attempts: [],
                    provider: route.first ?? providers[0].name,
                    model: route.model ?? "",
                    message:
                        "Provider \(pinned) is not configured (PROVIDERS = \(providerNames.map(\.rawValue).joined(separator: ","))).",
                    retryAfter: nil
                )
            )
        }
        return await run(hops: hops, deadline: deadline, logger: logger, attempt: makeAttempt)
    }

    /// The loop itself over a non-empty list of hops (`run(route:…)`'s, or one built for
    /// embeddings or images, which ask every hop for the same model).
    func run<Value: Sendable>(
        hops: [Hop],
        deadline: ContinuousClock.Instant,
        logger: Logger,
        attempt makeAttempt: (_ provider: any ChatProvider, _ model: String, _ timeout: Duration)
            async throws(ProviderError) -> Value
    ) async -> Result<Outcome<Value>, ChainFailure> {
        let firstHop = hops[0]
        var attempts: [ProviderAttempt] = []
        /// Set when a provider was abandoned because its next backoff would end after the deadline.
        var cutShortByDeadline = false

        func failure(_ reason: ChainFailure.Reason, adding note: String = "") -> Result<Outcome<Value>, ChainFailure> {
            let last = attempts.last
            return .failure(
                ChainFailure(
                    reason: reason,
                    attempts: attempts,
                    provider: last?.provider ?? firstHop.provider.name,
                    model: last?.model ?? firstHop.model,
                    message: Self.summary(reason: reason, attempts: attempts) + note,
                    retryAfter: attempts.compactMap(\.error?.retryAfter).max()
                )
            )
        }

        for (hopIndex, hop) in hops.enumerated() {
            let name = hop.provider.name
            if hopIndex > 0 {
                logger.warning(
                    "falling back to the next provider",
                    metadata: [
                        "provider": "\(name)", "model": "\(hop.model)", "after": "\(hops[hopIndex - 1].provider.name)",
                    ]
                )
            }
            for attempt in 0..<retryPolicy.maxAttempts {
                if Task.isCancelled { return failure(.cancelled) }
                // A free connection first, so the attempt's clock never runs while it queues for
                // one: the wait counts against the deadline only, never as a failed attempt.
                let permit: ProviderConnectionPermit?
                if let gate = hop.provider.connectionGate {
                    let asked = clock.now
                    switch await gate.admit(until: deadline, on: clock) {
                    case .admitted(let taken):
                        permit = taken
                    case .cancelled:
                        return failure(.cancelled)
                    case .deadlinePassed:
                        logger.warning(
                            "request deadline passed while waiting for a provider connection",
                            metadata: [
                                "provider": "\(name)", "host": "\(gate.host)", "connections": "\(gate.connections)",
                                "waited_ms": "\((clock.now - asked).milliseconds)",
                            ])
                        let waited = Self.connectionWait(gate: gate, provider: name, waited: clock.now - asked)
                        return failure(.deadlineExceeded, adding: waited)
                    }
                } else {
                    permit = nil
                }
                let started = clock.now
                let remaining = deadline - started
                guard remaining > .zero else {
                    permit?.release()
                    return failure(.deadlineExceeded)
                }
                // A client span per attempt (a no-op unless traces are exported), ended when the
                // attempt has its answer (for a stream: its first chunk) or its error.
                // Attributes only on a recording span: the no-op span's would still build and drop a
                // dictionary (~5,000 instructions a request under callgrind).
                let span = InstrumentationSystem.tracer.startSpan("provider attempt", ofKind: .client)
                if span.isRecording {
                    span.attributes["chat.provider"] = "\(name)"
                    span.attributes["chat.model"] = hop.model
                    span.attributes["chat.attempt"] = attempt + 1
                }
                do {
                    // The permit is `current` for the transport (a stream's reader holds it on past
                    // the attempt) and given back by the attempt however it ends.
                    let answered = await ProviderConnectionPermit.$current.withValue(permit) {
                        () async -> Result<Value, ProviderError> in
                        defer { permit?.release() }
                        do throws(ProviderError) {
                            return .success(
                                try await makeAttempt(hop.provider, hop.model, min(providerTimeout, remaining)))
                        } catch {
                            return .failure(error)
                        }
                    }
                    let value = try answered.get()
                    if span.isRecording { span.attributes["chat.attempt.status"] = "200" }
                    span.end()
                    attempts.append(
                        ProviderAttempt(provider: name, model: hop.model, error: nil, latency: clock.now - started))
                    return .success(
                        Outcome(
                            value: value, provider: name, model: hop.model, attempts: attempts, fallback: hopIndex > 0))
                } catch {
                    if span.isRecording {
                        span.attributes["chat.attempt.status"] = error.kind.statusLabel
                        span.setStatus(SpanStatus(code: .error, message: error.message))
                    }
                    span.end()
                    attempts.append(
                        ProviderAttempt(provider: name, model: hop.model, error: error, latency: clock.now - started))
                    if error.kind == .cancelled || Task.isCancelled { return failure(.cancelled) }
                    if clock.now >= deadline { return failure(.deadlineExceeded) }
                    // One log line about this failed attempt, with what every such line carries.
                    func note(_ message: Logger.Message, level: Logger.Level = .warning, _ extra: Logger.Metadata) {
                        var metadata: Logger.Metadata = [
                            "provider": "\(name)", "model": "\(hop.model)", "status": "\(error.kind.statusLabel)",
                        ]
                        metadata.merge(extra) { $1 }
                        logger.log(level: level, message, metadata: metadata)
                    }
                    guard error.isRetryable else {
                        note("provider failed, not retryable", ["error": "\(error.message)"])
                        break
                    }
                    guard attempt + 1 < retryPolicy.maxAttempts else {
                        note("provider failed, retries exhausted", ["attempts": "\(attempt + 1)"])
                        break
                    }
                    let delay = retryPolicy.delay(forRetry: attempt, serverHint: error.retryAfter)
                    guard clock.now + delay < deadline else {
                        cutShortByDeadline = true
                        note("provider failed, no time left to retry it", ["delay_ms": "\(delay.milliseconds)"])
                        break
                    }
                    note(
                        "retrying provider", level: .info,
                        [
                            "error": "\(error.message)", "retry": "\(attempt + 1)", "delay_ms": "\(delay.milliseconds)",
                        ])
                    do {
                        try await sleep(delay)
                    } catch {
                        return failure(.cancelled)
                    }
                }
            }
        }
        return failure(cutShortByDeadline || clock.now >= deadline ? .deadlineExceeded : .allProvidersFailed)
    }
}
