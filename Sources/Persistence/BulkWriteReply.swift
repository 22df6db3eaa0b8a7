import Foundation

/// The parts of an unordered bulk insert's reply that decide each document's fate:
/// `writeErrors[]` (per-document failures by index), `writeConcernErrors[]`, and the inserted count.
///
/// It exists because libmongoc reports a partly failed `insert_many` as one error; only the
/// reply says which documents failed. Parsed from relaxed extended JSON (plain numbers), which is
/// simpler and safer from Swift than walking the reply with `bson_iter_t`. Only used on the
/// failure path, so the cost does not matter.
struct BulkWriteReply {
    /// One failed document.
    struct WriteError {
        var index: Int
        var code: UInt32
        var message: String
    }

    var writeErrors: [WriteError] = []
    /// `(code, message)` of each write concern error.
    var writeConcernErrors: [(code: UInt32, message: String)] = []
    /// `insertedCount` (libmongoc's CRUD-spec name) or `nInserted`, when present.
    var insertedCount: Int?

    init(_ reply: BSONDocument) {
        let json = reply.relaxedExtendedJSON
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return
        }
        insertedCount = Self.integer(object["insertedCount"]) ?? Self.integer(object["nInserted"])
        for entry in object["writeErrors"] as? [[String: Any]] ?? [] {
            guard let index = Self.integer(entry["index"]) else { continue }
            writeErrors.append(WriteError(
                index: index,
                code: UInt32(clamping: Self.integer(entry["code"]) ?? 0),
                message: entry["errmsg"] as? String ?? "write error"))
        }
        for entry in object["writeConcernErrors"] as? [[String: Any]] ?? [] {
            writeConcernErrors.append((
                UInt32(clamping: Self.integer(entry["code"]) ?? 0), entry["errmsg"] as? String ?? "write concern error"))
        }
    }

    private static func integer(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: return number.intValue
        case let int as Int: return int
        default: return nil
        }
    }
}
