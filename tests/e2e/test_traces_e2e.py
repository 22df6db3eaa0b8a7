"""Traces (issue 14, item 3) with an OTLP/HTTP collector double: the built binary exports
OpenTelemetry spans (swift-otel, `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) for the request, each
provider attempt, the write-ahead-log append and the MongoDB ship when
`OTEL_EXPORTER_OTLP_ENDPOINT` is set; a caller's W3C `traceparent` makes the request span its
child and its trace id is stored on the document, with or without an exporter."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import free_port

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_SPAN}-01"


class Collector:
    """Accepts OTLP/HTTP JSON exports on POST /v1/traces and keeps every span, ids as hex."""

    def __init__(self):
        self.spans = []
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/v1/traces":
                    collector.add(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}"

    @staticmethod
    def hex_id(value):
        if value and len(value) in (16, 32) and all(c in "0123456789abcdef" for c in value):
            return value
        return base64.b64decode(value).hex() if value else ""

    def add(self, export):
        with self.lock:
            for resource in export.get("resourceSpans", []):
                for scope in resource.get("scopeSpans", []):
                    for span in scope.get("spans", []):
                        span["traceId"] = self.hex_id(span.get("traceId"))
                        span["spanId"] = self.hex_id(span.get("spanId"))
                        span["parentSpanId"] = self.hex_id(span.get("parentSpanId"))
                        span["attrs"] = {a["key"]: next(iter(a["value"].values()), None)
                                         for a in span.get("attributes", [])}
                        self.spans.append(span)

    def wait_for(self, condition, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if condition(list(self.spans)):
                    return list(self.spans)
            time.sleep(0.05)
        with self.lock:
            return list(self.spans)

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def collector():
    c = Collector()
    yield c
    c.stop()


def test_spans_for_the_request_each_attempt_the_log_append_and_the_ship_reach_an_otlp_collector(
        start_service, double, database, collector):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url, DURABILITY="disk",
                            RETRY_BASE_DELAY_MS=5, OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
                            OTEL_EXPORTER_OTLP_PROTOCOL="http/json", OTEL_BSP_SCHEDULE_DELAY="100",
                            OTEL_SERVICE_NAME="chat-service-e2e")
    double.script([{"kind": "error", "route": "ollama", "status": 503}])
    answer = service.chat({"userId": "traced", "prompt": "follow me"}, headers={"traceparent": TRACEPARENT})
    assert answer.status_code == 200, answer.text

    def complete(spans):
        names = [s["name"] for s in spans]
        return names.count("provider attempt") >= 2 and "/v1/chat" in names \
            and "write-ahead log append" in names and "mongodb ship" in names
    spans = collector.wait_for(complete)
    by_name = {}
    for span in spans:
        by_name.setdefault(span["name"], []).append(span)
    assert complete(spans), sorted(by_name)

    request = by_name["/v1/chat"][0]
    assert request["traceId"] == TRACE_ID, "the caller's traceparent is the parent"
    assert request["parentSpanId"] == PARENT_SPAN
    assert request["attrs"].get("http.response.status_code") in (200, "200")

    attempts = [s for s in by_name["provider attempt"] if s["traceId"] == TRACE_ID]
    assert len(attempts) == 2
    assert all(s["parentSpanId"] == request["spanId"] for s in attempts)
    assert sorted(str(s["attrs"].get("chat.attempt.status")) for s in attempts) == ["200", "503"]
    assert all(s["attrs"].get("chat.provider") == "ollama" for s in attempts)

    append = next(s for s in by_name["write-ahead log append"] if s["traceId"] == TRACE_ID)
    assert append["parentSpanId"] == request["spanId"]
    ship = by_name["mongodb ship"][0]
    assert int(ship["attrs"].get("chat.ship.records", 0)) >= 1

    deadline = time.monotonic() + 10
    while (doc := database.interactions.find_one({"userId": "traced"})) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert doc is not None and doc["traceId"] == TRACE_ID


def test_without_an_exporter_the_callers_trace_id_is_still_stored_and_a_bad_traceparent_is_ignored(
        start_service, double, database):
    service = start_service(PROVIDERS="ollama", OLLAMA_BASE_URL=double.url)
    assert service.chat({"userId": "a", "prompt": "x"}, headers={"traceparent": TRACEPARENT}).status_code == 200
    bad = service.chat({"userId": "b", "prompt": "x"}, headers={"traceparent": "00-zz-not-a-trace-01"})
    assert bad.status_code == 200
    zeros = service.chat({"userId": "c", "prompt": "x"},
                         headers={"traceparent": f"00-{'0' * 32}-{PARENT_SPAN}-01"})
    assert zeros.status_code == 200
    assert database.interactions.find_one({"userId": "a"})["traceId"] == TRACE_ID
    assert "traceId" not in database.interactions.find_one({"userId": "b"})
    assert "traceId" not in database.interactions.find_one({"userId": "c"}), "an all-zero trace id is invalid"
