import Testing

@testable import ChatService

@Suite("The one set of JSON rules every request body is checked against")
struct StrictJSONScannerTests {
    private func violation(_ text: String) -> StrictJSONScanner.Violation? {
        violation(Array(text.utf8))
    }

    private func violation(_ bytes: [UInt8]) -> StrictJSONScanner.Violation? {
        do throws(StrictJSONScanner.Violation) {
            try StrictJSONScanner.validate(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("ordinary bodies pass, escapes and surrogate pairs included")
    func ordinaryBodiesPass() {
        #expect(violation(#"{"userId":"1","prompt":"h\u00e9 \ud83d\ude00 \n","n":[1,-0.5,2e10,true,null,{}]}"#) == nil)
        #expect(violation(" [ ] ") == nil)
        #expect(violation(#""text""#) == nil)
    }

    @Test("a number beyond Double is out of range at its path, used or not")
    func infiniteNumbers() {
        #expect(violation(#"{"a":{"b":[0,1e999]}}"#) == .numberOutOfRange(path: "a.b[1]"))
        #expect(violation(#"{"t":-1e400}"#) == .numberOutOfRange(path: "t"))
    }

    @Test("a key twice in one object is refused at its path; the same key in two objects is fine")
    func duplicateKeys() {
        #expect(violation(#"{"prompt":"a","prompt":"b"}"#) == .duplicateKey(path: "prompt"))
        #expect(violation(#"{"m":[{"x":1,"\u0078":2}]}"#) == .duplicateKey(path: "m[0].x"))
        #expect(violation(#"{"a":{"x":1},"b":{"x":1}}"#) == nil)
    }

    @Test("invalid UTF-8 and unpaired surrogates are not text")
    func invalidText() {
        #expect(violation(Array(#"{"p":"caf"#.utf8) + [0xC3] + Array(#""}"#.utf8)) == .invalidUTF8)
        #expect(violation(Array(#"{"p":""#.utf8) + [0xFF] + Array(#""}"#.utf8)) == .invalidUTF8)
        #expect(violation(#"{"p":"\ud800"}"#) == .invalidUTF8)
    }

    @Test("syntax Foundation is lenient about is refused, and nesting is bounded")
    func syntaxAndDepth() {
        for text in ["", "{", #"{"a":1,}"#, "[1 2]", "01", "1.", "+1", "NaN", #"{"a" 1}"#, "tru", "\"\t\""] {
            #expect(violation(text) == .syntax, "\(text)")
        }
        #expect(violation(String(repeating: "[", count: 200) + String(repeating: "]", count: 200)) == .tooDeep)
    }
}
