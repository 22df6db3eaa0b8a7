import Foundation
import HTTPTypes
import Logging
import Persistence
import Providers

extension InteractionRecorder {
    /// Stores a call whose client closed the connection while it waited for the providers (the
    /// chain was cancelled, or answered just as the client left) as `client_disconnected`, then
    /// throws the 499 nobody will read, so the handler stops there.
    func recordClientDisconnected(
        _ result: ChainResult, of call: CallRecord, promptMessages: [ChatMessage], timing: RequestTiming,
        logger: Logger
    ) async throws(APIError) -> Never {
        var interaction = Interaction(call: call, result: result, promptMessages: promptMessages, answeredAt: Date())
        let message = "the client closed the connection before the answer; the upstream request was cancelled"
        interaction.markClientDisconnected(message)
        logger.notice("client disconnected before the answer; upstream request cancelled")
        try await record(interaction, answered: false, timing: timing, logger: logger)
        throw APIError(
            status: .init(code: 499, reasonPhrase: "Client Closed Request"),
            code: Interaction.clientDisconnectedCode, message: message)
    }
}
