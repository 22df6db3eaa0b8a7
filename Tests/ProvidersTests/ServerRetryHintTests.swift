import Foundation
import Providers
import Testing

@Suite("Server retry hints")
struct ServerRetryHintTests {
    @Test(
        "Retry-After in seconds is parsed",
        arguments: [("0", Duration.zero), ("3", .seconds(3)), (" 120 ", .seconds(120)), ("1.5", .milliseconds(1500))])
    func retryAfterSeconds(value: String, expected: Duration) {
        #expect(ServerRetryHint.parseRetryAfter(value) == expected)
    }

    @Test("Retry-After as an HTTP date is the time until that date")
    func retryAfterHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_792_999_000)  // some fixed instant
        let later = now.addingTimeInterval(30)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let header = formatter.string(from: later)
        #expect(ServerRetryHint.parseRetryAfter(header, now: now) == .seconds(30))
    }

    @Test("Retry-After with a date in the past means retry now")
    func retryAfterPastDate() {
        let now = Date(timeIntervalSince1970: 1_792_999_000)
        #expect(ServerRetryHint.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == .zero)
    }

    @Test("garbage Retry-After values are ignored", arguments: ["", "soon", "-5", "12abc"])
    func retryAfterGarbage(value: String) {
        #expect(ServerRetryHint.parseRetryAfter(value) == nil)
    }

    @Test(
        "protobuf durations from RetryInfo are parsed",
        arguments: [
            ("26s", Duration.seconds(26)), ("26.66s", .milliseconds(26660)), ("0.2s", .milliseconds(200)),
            ("26.660853464s", .seconds(26) + .nanoseconds(660_853_464)), ("0s", .zero),
        ]
    )
    func protobufDurations(value: String, expected: Duration) {
        #expect(ServerRetryHint.parseProtobufDuration(value) == expected)
    }

    @Test(
        "malformed protobuf durations are rejected", arguments: ["", "26", "s", "-1s", "1.2345678901s", "1.s", "abc s"])
    func protobufGarbage(value: String) {
        #expect(ServerRetryHint.parseProtobufDuration(value) == nil)
    }
}
