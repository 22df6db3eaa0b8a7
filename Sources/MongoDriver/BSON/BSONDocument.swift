import CMongoc

/// One libbson document (`bson_t`), owned by exactly one Swift object and freed in its `deinit`.
///
/// libbson's `bson_t` is 128-byte aligned, so Swift sees `bson_t *` only as an `OpaquePointer` and
/// cannot put one on its stack. This class is the single place that allocates (with `bson_new()`,
/// or as aligned storage for a C out-parameter), and the single place that frees (`bson_destroy`).
/// It is deliberately not `Sendable`: a `bson_t` is mutable, unsynchronised C state, so a document
/// is built, used and dropped on one thread (in practice: inside one thread-pool closure).
public final class BSONDocument {
    /// How the `bson_t` struct itself was allocated, which decides how it is released.
    private enum Storage {
        /// `bson_new()`/`bson_new_from_json()`: `bson_destroy` frees the struct and its buffer.
        case libbson
        /// Our own 128-byte-aligned block that a C function initialised as an out-parameter
        /// (`reply`): `bson_destroy` frees only the buffer, we free the block.
        case outParameter(UnsafeMutableRawPointer)
    }

    /// `sizeof(bson_t)` and `_Alignof(bson_t)` in libbson 1.x (checked with a C program on this
    /// platform); the struct is declared `BSON_ALIGNED_BEGIN(128)` with 4+4+120 bytes.
    static let bsonTSize = 128
    static let bsonTAlignment = 128

    /// The `bson_t *`. Valid for the lifetime of this object; never free it elsewhere.
    let pointer: OpaquePointer
    private let storage: Storage
    /// Set when an append failed (the document would exceed libbson's maximum size).
    public private(set) var hasFailedAppend = false

    /// An empty document.
    public init() {
        guard let pointer = bson_new() else {
            // bson_new aborts on allocation failure itself; a nil here cannot happen.
            fatalError("bson_new returned NULL")
        }
        self.pointer = pointer
        self.storage = .libbson
    }

    /// Parses relaxed or canonical MongoDB extended JSON (`{"a": 1}`, `{"d": {"$date": ...}}`).
    public init(json: String) throws(MongoError) {
        var error = bson_error_t()
        let parsed: OpaquePointer? = json.withCString { text in
            bson_new_from_json(UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), json.utf8.count, &error)
        }
        guard let parsed else {
            throw MongoError(
                code: .invalidDocument, domain: error.domain, mongoCode: error.code,
                message: "invalid extended JSON: \(MongoError.message(of: error))")
        }
        self.pointer = parsed
        self.storage = .libbson
    }

    /// Takes ownership of a `bson_t *` that came from `bson_new`, `bson_copy` or similar.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        self.storage = .libbson
    }

    /// A copy of a document owned by someone else (a cursor's current document).
    convenience init(copying borrowed: OpaquePointer) {
        guard let copy = bson_copy(borrowed) else {
            fatalError("bson_copy returned NULL")
        }
        self.init(taking: copy)
    }

    /// Storage for a C function's `bson_t *reply` out-parameter. libmongoc calls `bson_init` on it
    /// (which marks it "static"), so it must not come from `bson_new()` or its struct would leak.
    /// We pre-initialise it as well, so it is a valid empty document even if the callee returns
    /// early without touching it.
    public static func outParameter() -> BSONDocument {
        BSONDocument(outParameterStorage: ())
    }

    private init(outParameterStorage: Void) {
        let block = UnsafeMutableRawPointer.allocate(byteCount: Self.bsonTSize, alignment: Self.bsonTAlignment)
        let pointer = OpaquePointer(block)
        bson_init(pointer)
        self.pointer = pointer
        self.storage = .outParameter(block)
    }

    deinit {
        bson_destroy(pointer)
        if case .outParameter(let block) = storage {
            block.deallocate()
        }
    }

    /// The encoded size in bytes (BSON's leading little-endian int32).
    public var byteCount: Int {
        guard let data = bson_get_data(pointer) else { return 0 }
        return Int(UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16 | UInt32(data[3]) << 24)
    }

    /// Number of top-level keys.
    public var count: Int { Int(bson_count_keys(pointer)) }

    /// Canonical extended JSON: every number keeps its BSON type (`{"$numberInt": "5"}`,
    /// `{"$numberLong": "5"}`) and dates are `{"$date": {"$numberLong": "…"}}`.
    public var canonicalExtendedJSON: String {
        Self.exportJSON(pointer, canonical: true)
    }

    /// Relaxed extended JSON: plain JSON numbers, `{"$date": "…ISO…"}` dates; for reading replies.
    public var relaxedExtendedJSON: String {
        Self.exportJSON(pointer, canonical: false)
    }

    /// Extended JSON of a document we do not own (a cursor's current document).
    static func exportJSON(_ document: OpaquePointer, canonical: Bool) -> String {
        var length = 0
        let text =
            canonical
            ? bson_as_canonical_extended_json(document, &length)
            : bson_as_relaxed_extended_json(document, &length)
        guard let text else { return "{}" }
        defer { bson_free(text) }
        return String(cString: text)
    }

    /// Records that an append failed, so the owner can reject the document as a whole.
    func noteAppend(_ succeeded: Bool) {
        if !succeeded { hasFailedAppend = true }
    }
}
