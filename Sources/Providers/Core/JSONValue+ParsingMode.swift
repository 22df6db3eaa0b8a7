extension JSONValue {
    /// Which texts a parse accepts. `JSONValue(parsing:)` has always repaired what it could; a
    /// reader that takes over from Foundation's `JSONDecoder` must instead refuse what the decoder
    /// refused, and still take the decoder's few liberties, so that swapping it changes nothing
    /// for a well-formed answer and nothing malformed gets through.
    public enum ParsingMode: Sendable {
        /// RFC 8259 with repairs: a lone surrogate escape or invalid UTF-8 becomes U+FFFD, a
        /// number may have leading zeros; 128 levels of nesting.
        case lenient
        /// RFC 8259 to the letter (no lone surrogates, valid UTF-8, no leading zeros) plus what
        /// `JSONDecoder` also takes: one trailing comma in an object or array, a UTF-8 byte-order
        /// mark at the start, and 511 levels of nesting below the top-level value. A number too
        /// large for a `Double` is read as ±infinity; whoever needs it finite checks.
        case strict
    }
}
