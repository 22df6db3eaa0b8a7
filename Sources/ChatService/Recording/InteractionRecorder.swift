import Foundation
import Logging
import Persistence
import Providers
import Tracing

/// Hands a finished call's document to the interaction log and decides what the caller sees
/// when that fails: an answered call may not be reported as a success unless its document is
/// durable (503, retry later); a failed call still reports its own failure, with the lost
/// error document logged.
struct InteractionRecorder: Sendable {
    let log: any InteractionLog
    let metrics: ServiceMetrics
    /// Prices every recorded call (SPEC §9).
    var pricing = CallPricing()

    /// Refuses a call up front (503 with Retry-After) when MongoDB is known to be down and the
    /// spool is full or unwritable, so no provider is paid for an answer that cannot be kept.
    func admit(logger: Logger) throws(APIError) {
        do {
            try log.checkAdmission()
        } catch {
            logger.warning("refusing a call: nowhere to store it durably", metadata: ["error": "\(error)"])
            throw .storageUnavailable("the call was not started: nowhere to store it durably", error)
        }
    }

    /// Records the SPEC §4 document of a call the chain finished (answered or failed) and returns
    /// it; `promptMessages` feed the token estimate when the provider reported no usage.
    /// The time the log takes is added to `timing`'s store time.
    @discardableResult
    func record(
        _ result: ChainResult, of call: CallRecord, promptMessages: [ChatMessage], timing: RequestTiming,
        logger: Logger
    ) async throws(APIError) -> Interaction {
        let interaction = Interaction(call: call, result: result, promptMessages: promptMessages, answeredAt: Date())
        return try await record(interaction, answered: result.isSuccess, timing: timing, logger: logger)
    }

    /// Prices `interaction` (unless it already carries a cost), records it and returns what was recorded.
    @discardableResult
    func record(
        _ interaction: Interaction, answered: Bool, timing: RequestTiming, logger: Logger
    ) async throws(APIError) -> Interaction {
        let interaction = pricing.priced(interaction)
        metrics.recordCall(interaction)
        metrics.recordCost(interaction)
        // A limited key's call counts its real tokens and cost against the key's limits (SPEC §10);
        // the cost's MongoDB update runs while the document is written.
        let settling = LimitAdmission.current?.settle(
            tokens: Int(interaction.usage.totalTokens), cost: interaction.cost?.total ?? 0, logger: logger)
        let storeStarted = ContinuousClock.now
        defer { timing.addStore(since: storeStarted) }
        // The local log's append and group-commit wait (or MongoDB's write, DURABILITY=mongo).
        let span = InstrumentationSystem.tracer.startSpan("write-ahead log append", ofKind: .internal)
        defer { span.end() }
        let failure: PersistenceError?
        do {
            try await log.record(interaction)
            failure = nil
        } catch {
            failure = error
        }
        await settling?.value
        if let failure {
            span.setStatus(SpanStatus(code: .error, message: "\(failure)"))
            if answered {
                logger.error("could not store interaction; answering 503", metadata: ["error": "\(failure)"])
                throw .storageUnavailable("the answer could not be stored durably", failure)
            }
            logger.error(
                "could not store the document of a failed call",
                metadata: ["error": "\(failure)", "interaction_id": "\(interaction.id)"])
        }
        return interaction
    }
}
