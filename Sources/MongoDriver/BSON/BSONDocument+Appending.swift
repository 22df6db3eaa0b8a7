import CMongoc
import Foundation

/// Typed appends. Each keeps the BSON type explicit (int32 vs int64, date vs string), because the
/// `interactions` schema is queried by analysts and its types are part of the contract.
/// A failed append (document would exceed libbson's size limit) sets `hasFailedAppend`.
extension BSONDocument {
    public func append(_ key: String, string value: String) {
        let ok = key.withCString { k in
            value.withCString { v in
                bson_append_utf8(pointer, k, -1, v, Int32(clamping: value.utf8.count))
            }
        }
        noteAppend(ok)
    }

    public func append(_ key: String, int32 value: Int32) {
        noteAppend(key.withCString { bson_append_int32(pointer, $0, -1, value) })
    }

    public func append(_ key: String, int64 value: Int64) {
        noteAppend(key.withCString { bson_append_int64(pointer, $0, -1, value) })
    }

    public func append(_ key: String, bool value: Bool) {
        noteAppend(key.withCString { bson_append_bool(pointer, $0, -1, value) })
    }

    public func append(_ key: String, double value: Double) {
        noteAppend(key.withCString { bson_append_double(pointer, $0, -1, value) })
    }

    /// A BSON date: milliseconds since the Unix epoch (UTC), as MongoDB stores `Date`.
    public func append(_ key: String, dateMilliseconds value: Int64) {
        noteAppend(key.withCString { bson_append_date_time(pointer, $0, -1, value) })
    }

    /// A BSON date from a Foundation `Date`, truncated to the millisecond (floor, also before 1970).
    public func append(_ key: String, date value: Date) {
        append(key, dateMilliseconds: Self.milliseconds(since1970: value))
    }

    public func appendNull(_ key: String) {
        noteAppend(key.withCString { bson_append_null(pointer, $0, -1) })
    }

    /// An embedded document (copied in; `document` stays owned by the caller).
    public func append(_ key: String, document: BSONDocument) {
        noteAppend(key.withCString { bson_append_document(pointer, $0, -1, document.pointer) })
        if document.hasFailedAppend { noteAppend(false) }
    }

    /// A BSON array of the given documents (keys "0", "1", …).
    public func append(_ key: String, array elements: [BSONDocument]) {
        appendArray(key, elements) { array, index, element in array.append(index, document: element) }
    }

    /// A BSON array of strings.
    public func append(_ key: String, stringArray elements: [String]) {
        appendArray(key, elements) { array, index, element in array.append(index, string: element) }
    }

    /// A BSON array built by `appendElement(array, "0", first)`, `(array, "1", second)`, ….
    private func appendArray<Element>(
        _ key: String, _ elements: [Element], _ appendElement: (BSONDocument, String, Element) -> Void
    ) {
        let array = BSONDocument()
        for (index, element) in elements.enumerated() {
            appendElement(array, String(index), element)
        }
        noteAppend(key.withCString { bson_append_array(pointer, $0, -1, array.pointer) })
        if array.hasFailedAppend { noteAppend(false) }
    }

    public static func milliseconds(since1970 date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
