import Foundation
import Hummingbird
import Logging
import Persistence

/// What a stored call notes the moment its request arrives, before any I/O: the interaction id,
/// the wall-clock and monotonic times its latency counts from, and a logger that tags every line
/// with the id. Every controller that stores calls begins with one.
struct CallStart: Sendable {
    let requestedAt = Date()
    let started = ContinuousClock.now
    let id = InteractionID.generate()
    /// The request's logger with `interaction_id` set.
    let logger: Logger

    init(context: ChatRequestContext) {
        var logger = context.logger
        logger[metadataKey: "interaction_id"] = .string(id)
        self.logger = logger
    }
}
