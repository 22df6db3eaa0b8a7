import NIOCore
import Testing

@testable import ChatService

@Suite("The /v1/chat answer written by hand")
struct ChatResponseWritingTests {
    static let awkward =
        "say \"hi\" \\ a/b \u{7F} é 漢字 😀 \u{2028}" + String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })

    static func answer(text: String = "Hello!", cost: ChatResponse.Cost?) -> ChatResponse {
        ChatResponse(
            id: "6b1009f548f02d7b3c000023", userId: text, prompt: text, response: text, model: "llama3.2",
            provider: "ollama", timestamp: "2026-12-02T12:00:00.125Z",
            usage: .init(promptTokens: 12, completionTokens: 0, totalTokens: Int.max), cost: cost,
            latencyMs: -1, attempts: 3, fallback: true)
    }

    static var answers: [ChatResponse] {
        var all = [answer(cost: nil), answer(text: "", cost: nil), answer(text: awkward, cost: nil)]
        for numbers in [
            (0.0, 0.0, 0.0), (0.0003, 1e-05, 0.00031), (0.1, 0.2, 0.30000000000000004), (100, 2.5, 102.5),
            (1e15, 1e16, 1.1e16), (123_456_789_012_345, 1e-300, Double.leastNonzeroMagnitude),
            (-0.0, 1.7976931348623157e308, 7),
        ] {
            all.append(answer(cost: .init(currency: "USD", input: numbers.0, output: numbers.1, total: numbers.2)))
        }
        all.append(answer(text: awkward, cost: .init(currency: awkward, input: 1, output: 2, total: 3)))
        var fallbackOff = answer(cost: nil)
        fallbackOff.fallback = false
        all.append(fallbackOff)
        return all
    }

    @Test("every answer is byte for byte what OrderedJSONEncoder wrote")
    func sameBytes() throws {
        for answer in Self.answers {
            var encoded = ByteBuffer()
            try OrderedJSONEncoder().encode(answer, into: &encoded)
            let written = try #require(answer.json)
            #expect(String(buffer: written) == String(buffer: encoded))
        }
    }

    @Test("a cost JSON cannot hold leaves the answer to OrderedJSONEncoder, which refuses it")
    func nonFiniteCost() {
        for number in [Double.nan, .infinity, -.infinity] {
            let answer = Self.answer(cost: .init(currency: "USD", input: 0, output: number, total: number))
            #expect(answer.json == nil)
            var encoded = ByteBuffer()
            #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encode(answer, into: &encoded) }
        }
    }
}
