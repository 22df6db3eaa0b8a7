import Logging
import Providers

/// Keeps the primary Ollama server's memory the way SPEC §7 says, so a GPU never runs out of
/// memory because two heavy models were asked for at once:
/// - `ALWAYS_ON_MODELS` are loaded with `keep_alive: -1` and put back when `/api/ps` stops
///   listing them (`restoreAlwaysOn`, run periodically by `ModelResidencyService`);
/// - a request or preload for a `HEAVY_MODELS` model waits its turn at the `HeavyModelGate` (first
///   come, first served), then unloads any other heavy model (`keep_alive: 0`) and waits until
///   `/api/ps` no longer lists it before its own model is touched; it holds the turn until its
///   answer is complete, so two heavy models are never loaded together;
/// - light models never wait.
///
/// Every wait is bounded by the request's deadline on the injected clock; a failing unload or
/// load ends in a `ModelResidencyError` (502/504), never a hang.
final class ModelResidency: Sendable {
    /// How `/api/available_models` labels a model.
    enum Category: String, Sendable {
        case alwaysOn = "always_on"
        case heavy
        case onDemand = "on_demand"
    }

    let settings: ModelResidencySettings
    private let backend: any OllamaResidencyBackend
    private let clock: ProviderClock
    /// `PROVIDER_TIMEOUT_MS`: the most one call to Ollama (list, load, unload) may take.
    private let callTimeout: Duration
    private let metrics: ServiceMetrics
    private let gate: HeavyModelGate

    init(
        settings: ModelResidencySettings, backend: any OllamaResidencyBackend, clock: ProviderClock,
        callTimeout: Duration, metrics: ServiceMetrics
    ) {
        self.settings = settings
        self.backend = backend
        self.clock = clock
        self.callTimeout = callTimeout
        self.metrics = metrics
        self.gate = HeavyModelGate(clock: clock) { metrics.setHeavyQueueDepth($0) }
    }

    func category(of model: String) -> Category {
        if settings.isAlwaysOn(model) { return .alwaysOn }
        return settings.isHeavy(model) ? .heavy : .onDemand
    }

    /// The `keep_alive` for a request that sets none: `-1` for an always-on model (so using it
    /// does not shorten its stay), else `OLLAMA_KEEP_ALIVE` (`nil`: Ollama's default).
    func defaultKeepAlive(for model: String) -> JSONValue? {
        settings.isAlwaysOn(model) ? .integer(-1) : settings.keepAlive
    }

    /// Heavy requests waiting for their turn right now.
    var queueDepth: Int { gate.depth }

    /// Makes way for a request for `model`: `nil` at once for a light model; for a heavy one,
    /// waits its turn, swaps out any other heavy model and returns the turn, to be released when
    /// the answer is complete.
    func prepare(
        model: String, deadline: ContinuousClock.Instant, logger: Logger
    ) async throws(ModelResidencyError) -> HeavyModelLease? {
        guard settings.isHeavy(model) else { return nil }
        let queuedAt = clock.now
        do {
            try await gate.acquire(until: deadline)
        } catch {
            let waited = (clock.now - queuedAt).milliseconds
            switch error {
            case .deadlinePassed:
                throw ModelResidencyError(
                    kind: .timedOut,
                    message: "the request deadline passed after \(waited) ms waiting behind other heavy-model requests "
                        + "(\(model) is in HEAVY_MODELS: one heavy model at a time)")
            case .cancelled:
                throw ModelResidencyError(kind: .cancelled, message: "the caller left while it waited for \(model)")
            }
        }
        do {
            let running = try await call("list its loaded models", deadline: deadline) {
                timeout throws(ProviderError) in
                try await backend.runningModels(timeout: timeout, logger: logger)
            }
            let others = running.map(\.name).filter {
                settings.isHeavy($0) && !ModelNamePattern.sameModel($0, model)
            }
            if !others.isEmpty {
                try await swap(out: others, for: model, deadline: deadline, logger: logger)
            }
            if !running.contains(where: { ModelNamePattern.sameModel($0.name, model) }) {
                metrics.recordModelLoad(model: model, reason: "on_use")
            }
            return HeavyModelLease(gate: gate, unloaded: others)
        } catch {
            gate.release()
            throw error
        }
    }

    /// `POST /preload`: makes way for `model` as a request would, then loads it with its default
    /// `keep_alive`; returns once Ollama has it resident, with the heavy models unloaded for it.
    func preload(
        model: String, deadline: ContinuousClock.Instant, logger: Logger
    ) async throws(ModelResidencyError) -> [String] {
        let lease = try await prepare(model: model, deadline: deadline, logger: logger)
        defer { lease?.release() }
        let keepAlive = defaultKeepAlive(for: model)
        try await call("load \(model)", deadline: deadline) { timeout throws(ProviderError) in
            try await backend.load(model: model, keepAlive: keepAlive, timeout: timeout, logger: logger)
        }
        if lease == nil { metrics.recordModelLoad(model: model, reason: "preload") }
        logger.info("model preloaded", metadata: ["model": "\(model)", "unloaded": "\(lease?.unloaded ?? [])"])
        return lease?.unloaded ?? []
    }

    /// One pass of the always-on watch: loads (`keep_alive: -1`) every `ALWAYS_ON_MODELS` model
    /// that `/api/ps` does not list, and returns the ones it loaded. Failures are logged; the
    /// next pass tries again.
    @discardableResult
    func restoreAlwaysOn(logger: Logger) async -> [String] {
        guard !settings.alwaysOnModels.isEmpty else { return [] }
        let running: [OllamaListedModel]
        do {
            running = try await backend.runningModels(timeout: callTimeout, logger: logger)
        } catch {
            logger.warning("could not list Ollama's loaded models", metadata: ["error": "\(error)"])
            return []
        }
        var loaded: [String] = []
        for model in settings.alwaysOnModels
        where !running.contains(where: { ModelNamePattern.sameModel($0.name, model) }) {
            do {
                try await backend.load(model: model, keepAlive: .integer(-1), timeout: callTimeout, logger: logger)
                metrics.recordModelLoad(model: model, reason: "always_on")
                logger.info("always-on model loaded", metadata: ["model": "\(model)"])
                loaded.append(model)
            } catch {
                logger.warning(
                    "could not load an always-on model", metadata: ["model": "\(model)", "error": "\(error)"])
            }
        }
        return loaded
    }

    /// Unloads `models` and waits until `/api/ps` lists none of them; one log line either way.
    private func swap(
        out models: [String], for model: String, deadline: ContinuousClock.Instant, logger: Logger
    ) async throws(ModelResidencyError) {
        let started = clock.now
        let metadata: Logger.Metadata = ["unloading": "\(models)", "loading": "\(model)"]
        do throws(ModelResidencyError) {
            for old in models {
                try await call("unload \(old)", deadline: deadline) { timeout throws(ProviderError) in
                    try await backend.unload(model: old, timeout: timeout, logger: logger)
                }
                metrics.recordModelUnload(model: old)
            }
            var still = models
            func stillLoaded() -> ModelResidencyError {
                ModelResidencyError(
                    kind: .timedOut,
                    message: "\(still.joined(separator: ", ")) was still loaded in Ollama "
                        + "\((clock.now - started).milliseconds) ms after it was asked to unload; "
                        + "\(model) was not loaded before the request deadline")
            }
            while true {
                guard clock.now < deadline else { throw stillLoaded() }
                let running = try await call("list its loaded models", deadline: deadline) {
                    timeout throws(ProviderError) in
                    try await backend.runningModels(timeout: timeout, logger: logger)
                }
                still = running.map(\.name).filter { name in
                    models.contains { ModelNamePattern.sameModel($0, name) }
                }
                if still.isEmpty { break }
                guard clock.now + settings.unloadPollInterval < deadline else { throw stillLoaded() }
                do {
                    try await clock.sleep(for: settings.unloadPollInterval)
                } catch {
                    throw ModelResidencyError(kind: .cancelled, message: "the caller left during a heavy-model swap")
                }
            }
        } catch {
            metrics.recordSwap(duration: clock.now - started, succeeded: false)
            logger.error("heavy-model swap failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            throw error
        }
        let duration = clock.now - started
        metrics.recordSwap(duration: duration, succeeded: true)
        logger.info(
            "heavy-model swap",
            metadata: metadata.merging(["swap_ms": "\(duration.milliseconds)", "queued": "\(gate.depth)"]) { $1 })
    }

    /// One call to Ollama within `callTimeout` and the time left; its failure as a residency error
    /// saying what was being done.
    private func call<Value>(
        _ what: String, deadline: ContinuousClock.Instant,
        _ body: (Duration) async throws(ProviderError) -> Value
    ) async throws(ModelResidencyError) -> Value {
        let remaining = deadline - clock.now
        guard remaining > .zero else {
            throw ModelResidencyError(
                kind: .timedOut, message: "the request deadline passed before Ollama was asked to \(what)")
        }
        do {
            return try await body(min(callTimeout, remaining))
        } catch {
            let kind: ModelResidencyError.Kind
            switch error.kind {
            case .timeout: kind = .timedOut
            case .cancelled: kind = .cancelled
            case .http, .connect, .invalidResponse: kind = .upstreamFailed
            }
            var upstreamStatus: Int?
            if case .http(let status) = error.kind { upstreamStatus = status }
            throw ModelResidencyError(
                kind: kind, message: "Ollama could not \(what): \(error.description)", upstreamStatus: upstreamStatus)
        }
    }
}
