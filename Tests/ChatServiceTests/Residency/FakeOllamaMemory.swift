import Logging
import Providers
import Synchronization

@testable import ChatService

/// An in-memory Ollama for `ModelResidency`'s own tests: what is loaded, every call made in order,
/// and scriptable trouble (an unload that fails, a model that stays listed after its unload).
final class FakeOllamaMemory: OllamaResidencyBackend {
    private struct State {
        var loaded: [String]
        var calls: [String] = []
        /// `/api/ps` keeps listing an unloaded model for this many more reads (`Int.max`: forever).
        var listingsAfterUnload = 0
        var pendingDepartures: [String: Int] = [:]
        var unloadFailure: ProviderError?
        var loadFailure: ProviderError?
    }

    private let state: Mutex<State>

    init(loaded: [String] = []) {
        state = Mutex(State(loaded: loaded))
    }

    /// Every call, oldest first: `ps`, `load m keep_alive`, `unload m`.
    var calls: [String] { state.withLock { $0.calls } }
    var loaded: [String] { state.withLock { $0.loaded } }

    func keepListingAfterUnload(_ reads: Int) { state.withLock { $0.listingsAfterUnload = reads } }
    func failUnloads(with error: ProviderError?) { state.withLock { $0.unloadFailure = error } }
    func failLoads(with error: ProviderError?) { state.withLock { $0.loadFailure = error } }

    /// Drops `model` behind the gateway's back, as `ollama stop` would.
    func evict(_ model: String) { state.withLock { $0.loaded.removeAll { $0 == model } } }

    func runningModels(timeout: Duration, logger: Logger) async throws(ProviderError) -> [OllamaListedModel] {
        state.withLock { state in
            state.calls.append("ps")
            for (model, reads) in state.pendingDepartures {
                if reads <= 0 {
                    state.loaded.removeAll { $0 == model }
                    state.pendingDepartures[model] = nil
                } else if reads != Int.max {
                    state.pendingDepartures[model] = reads - 1
                }
            }
            return state.loaded.map { OllamaListedModel(name: $0, size: 1000) }
        }
    }

    func load(model: String, keepAlive: JSONValue?, timeout: Duration, logger: Logger) async throws(ProviderError) {
        try state.withLock { state throws(ProviderError) in
            state.calls.append("load \(model) \(keepAlive?.serialized ?? "default")")
            if let failure = state.loadFailure { throw failure }
            if !state.loaded.contains(model) { state.loaded.append(model) }
        }
    }

    func unload(model: String, timeout: Duration, logger: Logger) async throws(ProviderError) {
        try state.withLock { state throws(ProviderError) in
            state.calls.append("unload \(model)")
            if let failure = state.unloadFailure { throw failure }
            guard state.loaded.contains(model) else { return }
            if state.listingsAfterUnload == 0 {
                state.loaded.removeAll { $0 == model }
            } else {
                state.pendingDepartures[model] = state.listingsAfterUnload
            }
        }
    }
}
