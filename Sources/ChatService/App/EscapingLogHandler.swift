import Logging

/// Wraps the text log handler so no logged value can forge a log line (issue 14 row 4): control
/// characters in the message, in metadata keys and in metadata values (a caller's `model`, a key
/// name) are written as visible escapes (`\n`, `\u{0}`), so one event is always one line.
/// The JSON handler needs no wrapper: JSON strings escape control characters already.
public struct EscapingLogHandler<Inner: LogHandler>: LogHandler {
    private var inner: Inner

    public init(_ inner: Inner) {
        self.inner = inner
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = Self.escaped(newValue) }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set {
            inner.metadataProvider = newValue.map { provider in
                Logger.MetadataProvider { Self.escaped(provider.get()) }
            }
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: LogText.escaped(key)] = newValue.map(Self.escaped) }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(LogText.escaped(event.message.description))"
        event.metadata = event.metadata.map(Self.escaped)
        inner.log(event: event)
    }

    static func escaped(_ metadata: Logger.Metadata) -> Logger.Metadata {
        var result: Logger.Metadata = [:]
        for (key, value) in metadata { result[LogText.escaped(key)] = escaped(value) }
        return result
    }

    static func escaped(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): return .string(LogText.escaped(text))
        case .stringConvertible(let convertible): return .string(LogText.escaped(convertible.description))
        case .array(let values): return .array(values.map(escaped))
        case .dictionary(let dictionary): return .dictionary(escaped(dictionary))
        }
    }
}
