import Logging
import Providers
import ServiceLifecycle

/// Runs the always-on half of model residency for the life of the process: loads
/// `ALWAYS_ON_MODELS` at start-up, then reads `/api/ps` every `watchInterval` (on the injected
/// clock) and re-loads any that disappeared, until graceful shutdown.
struct ModelResidencyService: Service {
    let residency: ModelResidency
    let clock: ProviderClock
    let logger: Logger

    func run() async throws {
        // A service that returns ends the whole group (and closes the shared pools), so with
        // nothing to keep resident it still lives until graceful shutdown.
        guard !residency.settings.alwaysOnModels.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await residency.restoreAlwaysOn(logger: logger)
                do {
                    try await clock.sleep(for: residency.settings.watchInterval)
                } catch {
                    return
                }
            }
        }
    }
}
