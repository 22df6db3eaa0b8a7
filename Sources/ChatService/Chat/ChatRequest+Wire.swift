import Foundation
import Providers

extension ChatRequest {
    /// The body of `POST /v1/chat` as sent, before validation: four optional strings, read in one
    /// pass over the bytes (after `JSONRequestBody.validate`) rather than through `JSONDecoder`
    /// (~24,000 instructions a request, docs/benchmarks.md), failing as
    /// `JSONRequestBody.decode` failed for this shape.
    struct Wire: Equatable {
        var userId: String?
        var prompt: String?
        var model: String?
        var provider: String?

        /// The members read, in the order `JSONDecoder` decoded them: when several have the wrong
        /// type, the first of these is the one reported.
        private static let fields = ["userId", "prompt", "model", "provider"]

        /// `null` or absent is `nil`; any other non-string is `.wrongType` naming the field; a body
        /// that is `null` is `.notJSON` and any other non-object `.wrongType(path: "")`, as with
        /// `JSONDecoder`. Repeated keys, numbers beyond `Double` and bad UTF-8 never get here.
        init(reading body: some DataProtocol) throws(JSONRequestBody.Failure) {
            let bytes = Array(body)
            try JSONRequestBody.validate(bytes)
            switch bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            case UInt8(ascii: "{")?: break
            case UInt8(ascii: "n")?: throw .notJSON
            default: throw .wrongType(path: "")
            }
            var values: [String?] = [nil, nil, nil, nil]
            var firstWrong: Int?
            do {
                try JSONValue.forEachMember(ofObjectIn: bytes, mode: .strict) {
                    key, value, _ throws(JSONValue.ParseError) in
                    guard let field = Self.fields.firstIndex(of: key) else { return }
                    switch value {
                    case .null: break
                    case .string(let text): values[field] = text
                    default: firstWrong = min(firstWrong ?? field, field)
                    }
                }
            } catch {
                throw .notJSON
            }
            if let firstWrong { throw .wrongType(path: Self.fields[firstWrong]) }
            self.init(userId: values[0], prompt: values[1], model: values[2], provider: values[3])
        }

        init(userId: String?, prompt: String?, model: String?, provider: String?) {
            self.userId = userId
            self.prompt = prompt
            self.model = model
            self.provider = provider
        }
    }
}
