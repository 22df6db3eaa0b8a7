@testable import MongoDriver

extension BSONDocument {
    /// One field of every type the service writes, for the writing and the reading tests:
    /// s, i32, i64, b, d, date, n, child {x}, list [a, b].
    static func everyType(int32: Int32, int64: Int64) -> BSONDocument {
        let document = BSONDocument()
        document.append("s", string: "héllo")
        document.append("i32", int32: int32)
        document.append("i64", int64: int64)
        document.append("b", bool: true)
        document.append("d", double: 1.5)
        document.append("date", dateMilliseconds: 1_781_000_000_123)
        document.appendNull("n")
        let child = BSONDocument()
        child.append("x", int32: 1)
        document.append("child", document: child)
        document.append("list", stringArray: ["a", "b"])
        return document
    }
}
