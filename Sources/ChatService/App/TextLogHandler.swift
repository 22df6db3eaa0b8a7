import Logging

/// The `LOG_FORMAT=text` handler: the lines of swift-log's `StreamLogHandler` on standard output,
/// without its cost on the request path.
///
/// `StreamLogHandler` formats all of its metadata into one string on every
/// `logger[metadataKey:] = …`; a `/v1/chat` request sets three keys (Hummingbird's request id,
/// `request_id`, `interaction_id`) at ~10,000 instructions each, even at a level that filters out
/// every line. This handler keeps the metadata as a dictionary and formats it only when a line is
/// written, in the same words and key order (`StreamLogHandler` sorts the keys).
public struct TextLogHandler: LogHandler {
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public init(label: String) {
        stream = .standardOutput(label: label)
    }

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            // The same precedence as StreamLogHandler's: handler < provider < the line's own.
            var merged = metadata
            if let provided = stream.metadataProvider?.get() { merged.merge(provided) { $1 } }
            if let explicit = event.metadata { merged.merge(explicit) { $1 } }
            event.metadata = merged
        }
        stream.log(event: event)
    }
}
