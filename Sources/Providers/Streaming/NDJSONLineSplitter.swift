/// Splits a newline-delimited JSON body (Ollama's streaming format) into lines incrementally, so a
/// line split across body buffers is reassembled before it is decoded.
///
/// Lines end in LF (a trailing CR is dropped); blank lines are skipped; `finish()` returns a last
/// line that had no newline.
struct NDJSONLineSplitter: Sendable {
    /// The longest line accepted; a longer one is refused as `.invalidResponse`.
    var maxLineBytes: Int
    private var line: [UInt8] = []

    init(maxLineBytes: Int = 8 * 1024 * 1024) {
        self.maxLineBytes = maxLineBytes
    }

    /// Consumes `bytes` and returns the complete, non-blank lines they ended.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(ProviderError) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                takeLine(into: &lines)
            } else {
                line.append(byte)
                if line.count > maxLineBytes {
                    throw ProviderError(kind: .invalidResponse, message: "a stream line exceeds \(maxLineBytes) bytes")
                }
            }
        }
        return lines
    }

    /// The end of the body: the last line if it had no trailing newline.
    mutating func finish() -> [[UInt8]] {
        var lines: [[UInt8]] = []
        takeLine(into: &lines)
        return lines
    }

    private mutating func takeLine(into lines: inout [[UInt8]]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        let isBlank = line.allSatisfy {
            $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r")
        }
        if !isBlank { lines.append(line) }
    }
}
