import ChatService
import Foundation
import Hummingbird
import Logging

// The executable: read the configuration once, build the service, run it until SIGTERM/SIGINT.
// Any failure to start (bad configuration, unusable spool directory, port in use, unresolvable
// HOST) ends the process with one line on stderr naming the cause, and exit status 1.
func exitWithStartupFailure(_ message: String) -> Never {
    FileHandle.standardError.write(Data("chat-service: \(message)\n".utf8))
    exit(1)
}

let configuration: ServiceConfiguration
do {
    configuration = try ServiceConfiguration(environment: ProcessInfo.processInfo.environment)
} catch {
    exitWithStartupFailure("\(error)")
}

LoggingSystem.bootstrap { label in
    switch configuration.logFormat {
    case .text:
        // Escaped: a caller's text in a message or metadata value never starts a new line.
        var handler = EscapingLogHandler(TextLogHandler(label: label))
        handler.logLevel = configuration.logLevel
        return handler
    case .json:
        var handler = JSONLogHandler(label: label)
        handler.logLevel = configuration.logLevel
        return handler
    }
}

do {
    // OTLP trace export when OTEL_EXPORTER_OTLP_ENDPOINT is set: the tracer is process-wide, so it
    // is set up here, once, and its exporter runs (and drains last) with the service.
    let traceExporter = try TraceExport.services(for: configuration, logger: Logger(label: "otel"))
    let app = try await buildApplication(configuration: configuration, leadingServices: traceExporter)
    try await app.runService()
} catch let error as ConfigurationError {
    exitWithStartupFailure("\(error)")
} catch {
    exitWithStartupFailure(
        "stopped: cannot serve on \(configuration.host):\(configuration.port): \(String(describing: error))")
}
