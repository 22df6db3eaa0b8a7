import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// OpenTelemetry trace export (issue 14): when the environment names an OTLP endpoint
/// (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), swift-otel's tracer
/// becomes the process's tracer and spans for each request, provider attempt, log append and
/// MongoDB shipment go out over OTLP/HTTP (protobuf, or JSON with
/// `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`); every other `OTEL_*` variable of the OpenTelemetry
/// specification applies. Without an endpoint nothing is set up and the spans in the code are
/// the no-op tracer's, which cost a task-local read.
public enum TraceExport {
    /// Whether `environment` asks for traces to be exported.
    public static func isRequested(by environment: [String: String]) -> Bool {
        let disabled = environment["OTEL_SDK_DISABLED"]?.lowercased() == "true"
        let endpoint = ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"].contains {
            !(environment[$0]?.trimmingCharacters(in: .whitespaces).isEmpty ?? true)
        }
        return endpoint && !disabled
    }

    /// `bootstrap`'s service when `configuration` asks for traces, else nothing.
    public static func services(for configuration: ServiceConfiguration, logger: Logger) throws -> [any Service] {
        configuration.exportsTraces ? [try bootstrap(logger: logger)] : []
    }

    /// Makes swift-otel's tracer the process-wide tracer (call once per process, before
    /// `buildApplication`) and returns the service that batches and exports the spans; run it in
    /// the application's service group, ahead of the others, so it is the last to stop and the
    /// spans of drained requests still go out.
    public static func bootstrap(logger: Logger) throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "chat-service"
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }
}
