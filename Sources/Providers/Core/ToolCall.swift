import Foundation

/// One function call the model asked for, or that an earlier assistant turn holds, so a call can
/// travel between dialects: OpenAI's arguments are a JSON **string**, Ollama's an object, Gemini's
/// `functionCall.args` an object.
public struct ToolCall: Sendable, Equatable {
    /// `call_…`: the upstream's id when it gave one, else one the gateway made; the answer, the
    /// stream and the stored document all carry the same one.
    public var id: String
    public var name: String
    /// The arguments as JSON text (OpenAI's form).
    public var arguments: String

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// A new `call_` id of 24 random letters and digits, the shape OpenAI's ids have.
    public static func makeID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return "call_" + String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    /// The arguments as an object, for providers that want one (Ollama, Gemini); an empty or
    /// blank string is `{}`.
    public func argumentsObject() throws(JSONValue.ParseError) -> JSONValue {
        if arguments.allSatisfy(\.isWhitespace) { return .object([]) }
        return try JSONValue(parsing: arguments)
    }
}
