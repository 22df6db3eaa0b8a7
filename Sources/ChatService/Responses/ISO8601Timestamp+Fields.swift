extension ISO8601Timestamp {
    /// Whether the calendar fields written in an ISO 8601 date or instant exist: month 1–12, a
    /// day that month has (leap years included), hour 0–23, minute and second 0–59. Foundation's
    /// parser rolls `2026-02-30` over to March 2nd instead of refusing it (issue 14 row 12).
    static func fieldsExist(in text: String) -> Bool {
        let utf8 = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= utf8.count else { return nil }
            var value = 0
            for byte in utf8[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return false }
        guard utf8.count > 10 else { return true }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else {
            return false
        }
        return hour <= 23 && minute <= 59 && second <= 59
    }
}
