import Foundation

/// One entry of `HEAVY_MODELS` or `ALWAYS_ON_MODELS`: an Ollama model name (`qwen2.5-coder:32b`)
/// or a pattern where `*` stands for any run of characters (`*:70b`), matched the way Ollama
/// names models: a name without a tag means `:latest`, so `llama3.2` and `llama3.2:latest` are
/// the same model.
struct ModelNamePattern: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as configured.
    let text: String
    /// The pieces between the `*`s, of the pattern with its tag completed.
    private let pieces: [Substring]

    init(_ text: String) {
        self.text = text
        let full = text.contains("*") ? text : Self.canonical(text)
        pieces = full.split(separator: "*", omittingEmptySubsequences: false)
    }

    var description: String { text }

    /// `llama3.2` → `llama3.2:latest`; a name with a tag is returned as it is.
    static func canonical(_ name: String) -> String {
        let lastComponent = name.split(separator: "/").last ?? Substring(name)
        return lastComponent.contains(":") ? name : name + ":latest"
    }

    /// Whether two model names name the same model (`m` and `m:latest` do).
    static func sameModel(_ first: String, _ second: String) -> Bool {
        canonical(first) == canonical(second)
    }

    /// Whether `name` (tag completed) matches: every piece in order, the first at the start and
    /// the last at the end.
    func matches(_ name: String) -> Bool {
        let candidate = Self.canonical(name)
        guard pieces.count > 1 else { return candidate == text || candidate == Self.canonical(text) }
        var rest = Substring(candidate)
        guard let first = pieces.first, rest.hasPrefix(first) else { return false }
        rest = rest.dropFirst(first.count)
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let range = rest.range(of: piece) else { return false }
            rest = rest[range.upperBound...]
        }
        let last = pieces[pieces.count - 1]
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}

extension [ModelNamePattern] {
    /// Whether any pattern matches `name`.
    func matchesAny(_ name: String) -> Bool {
        contains { $0.matches(name) }
    }
}
