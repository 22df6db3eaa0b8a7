import Persistence
import Providers
import Testing

@testable import ChatService

@Suite("Token usage when a provider reports none")
struct TokenEstimateTests {
    @Test("about four characters per token, rounded up, none for empty text")
    func estimateRule() {
        #expect(TokenEstimate.tokens(in: "") == 0)
        #expect(TokenEstimate.tokens(in: "a") == 1)
        #expect(TokenEstimate.tokens(in: "abcd") == 1)
        #expect(TokenEstimate.tokens(in: "abcde") == 2)
        #expect(TokenEstimate.tokens(in: String(repeating: "x", count: 400)) == 100)
    }

    @Test("a reported usage is stored as is; a missing one is estimated over every prompt message and marked")
    func estimatedOnlyWhenMissing() {
        let messages = [ChatMessage(role: .system, content: "12345678"), ChatMessage(role: .user, content: "abcd")]
        let reported = InteractionUsage(
            reported: TokenUsage(promptTokens: 7, completionTokens: 3, totalTokens: 10), promptMessages: messages,
            completion: "whatever")
        #expect(reported == InteractionUsage(promptTokens: 7, completionTokens: 3, totalTokens: 10, estimated: false))
        let estimated = InteractionUsage(reported: nil, promptMessages: messages, completion: "123456789")
        #expect(estimated == InteractionUsage(promptTokens: 3, completionTokens: 3, totalTokens: 6, estimated: true))
    }
}
