// provider-double: one ProviderDouble (Gemini, Ollama and OpenAI-style endpoints plus the
// /_double control API) as a stand-alone server for the Python end-to-end suite and benchmarks.
//
//   provider-double [--host H] [--port P] [--gemini-key K] [--restrict-models] [--gemini-models a,b] [--ollama-models a,b] [--openai-models a,b] [--gemini-page-size N] [--no-record]
//
// The first line on stdout is `listening on PORT`. Runs until SIGINT/SIGTERM.

import Foundation
import TestSupport

/// Exits with a usage line on stderr.
func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(
        Data(
            "provider-double: \(problem)\nusage: provider-double [--host H] [--port P] [--gemini-key K] [--restrict-models] [--gemini-models a,b] [--ollama-models a,b] [--openai-models a,b] [--gemini-page-size N] [--no-record]\n"
                .utf8))
    exit(64)
}

var configuration = ProviderDouble.Configuration()
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--port":
        guard let value = arguments.popFirst(), let port = Int(value), (0...65535).contains(port) else {
            usage("--port needs 0-65535")
        }
        configuration.port = port
    case "--host":
        guard let value = arguments.popFirst() else { usage("--host needs a value") }
        configuration.host = value
    case "--gemini-key":
        guard let value = arguments.popFirst() else { usage("--gemini-key needs a value") }
        configuration.geminiAPIKey = value
    case "--restrict-models":
        configuration.restrictsModels = true
    case "--gemini-models", "--ollama-models", "--openai-models":
        guard let value = arguments.popFirst() else { usage("\(argument) needs a comma-separated list") }
        let models = value.split(separator: ",").map { String($0) }
        switch argument {
        case "--gemini-models": configuration.geminiModels = models
        case "--ollama-models": configuration.ollamaModels = models
        default: configuration.openAIModels = models
        }
    case "--gemini-page-size":
        guard let value = arguments.popFirst(), let size = Int(value), size > 0 else {
            usage("--gemini-page-size needs a positive number")
        }
        configuration.geminiModelsPageSize = size
    case "--no-record":
        configuration.recordsRequests = false
    case "-h", "--help":
        usage("help")
    default:
        usage("unknown argument \(argument)")
    }
}

let double = try await ProviderDouble.start(configuration: configuration)
// FileHandle writes go straight to the file descriptor, so the line is flushed at once.
FileHandle.standardOutput.write(Data("listening on \(double.port)\n".utf8))

// SIGINT/SIGTERM keep their default action (terminate at once): the double holds no state
// worth flushing, and harnesses want the port back immediately. Park the main task meanwhile;
// the NIO event loops serve.
while true {
    try await Task.sleep(for: .seconds(3600))
}
