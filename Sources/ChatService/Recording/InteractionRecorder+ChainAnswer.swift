import Foundation
import Logging
import Persistence
import Providers

extension InteractionRecorder {
    /// Records an embeddings or image call (`Interaction(call:answer:…)`'s document), then returns
    /// the chain's answer or, logging "`what` failed", throws the error an OpenAI SDK expects.
    func record<Value>(
        _ result: Result<ChainAnswer<Value>, ChainFailure>, of call: CallRecord, usage: InteractionUsage,
        extra: InteractionExtra?, failing what: String, timing: RequestTiming, logger: Logger
    ) async throws(APIError) -> ChainAnswer<Value> {
        let interaction = Interaction(call: call, answer: result, usage: usage, extra: extra, answeredAt: Date())
        switch result {
        case .failure(let failure):
            try await record(interaction, answered: false, timing: timing, logger: logger)
            logger.warning(
                "\(what) failed", metadata: ["reason": "\(failure.reason)", "detail": "\(failure.message)"])
            throw APIError(openAIFailure: failure)
        case .success(let answer):
            try await record(interaction, answered: true, timing: timing, logger: logger)
            return answer
        }
    }
}
