@testable import Providers

/// JSON as a reader sees it, so two texts can be compared for meaning rather than bytes: object
/// members sorted by key with the last of a repeated key kept (Go's `encoding/json`, Ollama's
/// reader, and what `JSONEncoder` sent), and a number with an integer value in 64 bits written
/// as an integer (`1.0` and `1` are the same number).
enum JSONCanonicalForm {
    static func of(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null, .bool, .integer, .string: return value
        case .number(let number):
            if let whole = Int64(exactly: number) { return .integer(whole) }
            return value
        case .array(let elements): return .array(elements.map(of))
        case .object(let members):
            var lastOfEach: [String: JSONValue] = [:]
            for member in members { lastOfEach[member.key] = of(member.value) }
            return .object(lastOfEach.sorted { $0.key < $1.key }.map { JSONValue.Member($0.key, $0.value) })
        }
    }

    static func of(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        of(try JSONValue(parsing: bytes))
    }
}
