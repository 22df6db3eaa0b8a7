import Foundation

/// Decodes every JSON request body of the service and says what was wrong in route-neutral terms,
/// so `/v1/chat`, the OpenAI routes and `/admin/keys` decode the same way and differ only in how
/// they word the 400 (SPEC §3.1's messages versus OpenAI's `param`). `StrictJSONScanner` checks
/// the shared rules first: a duplicate key or a number beyond `Double` is an invalid value at its
/// path, invalid UTF-8 or nesting deeper than 128 levels is not JSON.
enum JSONRequestBody {
    enum Failure: Error, Equatable {
        /// Not JSON at all, or truncated.
        case notJSON
        /// A value has the wrong JSON type; `path` is like `messages[0].content`, "" for the body itself.
        case wrongType(path: String)
        /// A value has the right JSON type but its type's decoder refused it.
        case invalidValue(path: String)
    }

    static func decode<Wire: Decodable>(
        _ type: Wire.Type = Wire.self, from body: some DataProtocol
    ) throws(Failure) -> Wire {
        let bytes = Array(body)
        try validate(bytes)
        do {
            return try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context) {
            throw .wrongType(path: path(context.codingPath))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw .invalidValue(path: path(context.codingPath))
        } catch {
            throw .notJSON
        }
    }

    /// The shared rules alone (`StrictJSONScanner`), for a reader that then takes the values
    /// itself (`ChatRequest.Wire(reading:)`).
    static func validate(_ bytes: [UInt8]) throws(Failure) {
        do throws(StrictJSONScanner.Violation) {
            try StrictJSONScanner.validate(bytes)
        } catch {
            switch error {
            case .syntax, .invalidUTF8, .tooDeep: throw .notJSON
            case .duplicateKey(let path), .numberOutOfRange(let path): throw .invalidValue(path: path)
            }
        }
    }

    /// `messages[0].content` for the coding path of that value.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce("") { path, key in
            if let index = key.intValue { return path + "[\(index)]" }
            return path.isEmpty ? key.stringValue : path + "." + key.stringValue
        }
    }
}
