// Members that may be absent, for bodies written by hand in place of `JSONEncoder`: a `nil` value
// writes nothing at all, as `JSONEncoder` leaves an absent optional out, so each writer says that
// once per member instead of spelling out `if let … { key …; value … }`.
extension JSONWriter {
    /// `"name": value`, the value written by `write`; nothing when `value` is `nil`.
    public mutating func memberIfPresent<Value>(
        _ name: StaticString, _ value: Value?, write: (inout JSONWriter, Value) -> Void
    ) {
        guard let value else { return }
        key(name)
        write(&self, value)
    }

    /// `"name": [element, …]`, each element written by `write`; nothing when `elements` is `nil`
    /// (an empty array is still written, as `[]`).
    public mutating func arrayMemberIfPresent<Element>(
        _ name: StaticString, _ elements: [Element]?, write: (inout JSONWriter, Element) -> Void
    ) {
        guard let elements else { return }
        key(name)
        beginArray()
        for element in elements { write(&self, element) }
        endArray()
    }
}
