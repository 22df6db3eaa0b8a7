import Logging
import Testing

@testable import ChatService

@Suite("Logged values cannot forge log lines")
struct LogTextTests {
    @Test("control characters become visible escapes; other text is kept as it is")
    func escapes() {
        #expect(LogText.escaped("llama3.2\n2026 critical FORGED") == "llama3.2\\n2026 critical FORGED")
        #expect(LogText.escaped("a\u{0}b\r\t\u{1B}[31m\u{85}\u{2028}") == "a\\u{0}b\\r\\t\\u{1b}[31m\\u{85}\\u{2028}")
        #expect(LogText.escaped("héllo 😀 plain") == "héllo 😀 plain")
    }

    @Test("the handler escapes the message, metadata keys and nested values")
    func handlerEscapesEverything() {
        let escaped = EscapingLogHandler<StreamLogHandler>.escaped([
            "model\n": .string("m\nFORGED"), "list": .array([.string("a\u{0}")]),
            "nested": .dictionary(["k": .stringConvertible("x\ny")]),
        ])
        #expect(escaped["model\\n"] == .string("m\\nFORGED"))
        #expect(escaped["list"] == .array([.string("a\\u{0}")]))
        #expect(escaped["nested"] == .dictionary(["k": .string("x\\ny")]))
    }

    @Test("model labels are bounded in length and number")
    func modelLabels() {
        let labels = ModelLabelSet(limit: 2, maxLength: 8)
        #expect(labels.label(for: "a") == "a")
        #expect(labels.label(for: String(repeating: "m", count: 9)) == ModelLabelSet.other)
        #expect(labels.label(for: "b") == "b")
        #expect(labels.label(for: "c") == ModelLabelSet.other)
        #expect(labels.label(for: "a") == "a")
    }
}
