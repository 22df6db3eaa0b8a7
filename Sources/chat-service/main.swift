import ChatService
import Foundation
import Hummingbird
import Logging

// The executable: read the configuration once, build the service, run it until SIGTERM/SIGINT.
let configuration: ServiceConfiguration
do {
    configuration = try ServiceConfiguration(environment: ProcessInfo.processInfo.environment)
} catch {
    FileHandle.standardError.write(Data("chat-service: \(error)\n".utf8))
    exit(1)
}

LoggingSystem.bootstrap { label in
    switch configuration.logFormat {
    case .text:
        var handler = StreamLogHandler.standardOutput(label: label)
        handler.logLevel = configuration.logLevel
        return handler
    case .json:
        var handler = JSONLogHandler(label: label)
        handler.logLevel = configuration.logLevel
        return handler
    }
}

do {
    let app = try await buildApplication(configuration: configuration)
    try await app.runService()
} catch let error as ConfigurationError {
    FileHandle.standardError.write(Data("chat-service: \(error)\n".utf8))
    exit(1)
}
