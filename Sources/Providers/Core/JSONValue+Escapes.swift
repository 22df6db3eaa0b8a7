extension JSONValue {
    /// What a one-letter JSON escape stands for (`\n` → newline), the one table both JSON readers
    /// (`JSONValue(parsing:)` and the gateway's strict request scanner) decode with; `nil` for
    /// `\u` (four hex digits follow) and for anything that is not an escape.
    public static func unescaped(_ escape: UInt8) -> Unicode.Scalar? {
        switch escape {
        case UInt8(ascii: "\""): "\""
        case UInt8(ascii: "\\"): "\\"
        case UInt8(ascii: "/"): "/"
        case UInt8(ascii: "b"): "\u{08}"
        case UInt8(ascii: "f"): "\u{0C}"
        case UInt8(ascii: "n"): "\n"
        case UInt8(ascii: "r"): "\r"
        case UInt8(ascii: "t"): "\t"
        default: nil
        }
    }
}
