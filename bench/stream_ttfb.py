"""Time to the first streamed token: the provider double called directly versus through
chat-service (issue 4). Both sides speak the same OpenAI SSE protocol: the service's upstream is
the double's own /v1/chat/completions (PROVIDERS=openai), so the difference is the gateway's
added latency (routing, retry/fallback set-up, SSE re-encoding), with persistence on.

usage: python3 bench/stream_ttfb.py REQUESTS UPSTREAM_PORT SERVICE_PORT [UPSTREAM_PATH]
(run by bench/bench.py against nginx's /sse/v1/chat/completions, or via bench/stream-ttfb.sh)
Requests alternate direct/through over persistent connections; prints JSON with percentiles."""

import http.client
import json
import statistics
import sys
import time


def first_token_seconds(conn, path, body, headers):
    started = time.perf_counter()
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    assert response.status == 200, response.status
    first = None
    while True:
        line = response.readline()
        if not line:
            break
        if first is None and line.startswith(b"data: ") and b'"content":"' in line and b'"content":""' not in line:
            first = time.perf_counter() - started
        if line.strip() == b"data: [DONE]":
            break
    response.read()
    assert first is not None, "no content chunk"
    return first


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    double_port, service_port = int(sys.argv[2]), int(sys.argv[3])
    direct_path = sys.argv[4] if len(sys.argv) > 4 else "/v1/chat/completions"
    body = json.dumps({"model": "gpt-4o-mini", "stream": True,
                       "messages": [{"role": "user", "content": "Stream me a short answer"}]})
    headers = {"Content-Type": "application/json", "Authorization": "Bearer x"}
    direct = http.client.HTTPConnection("127.0.0.1", double_port)
    through = http.client.HTTPConnection("127.0.0.1", service_port)
    for _ in range(50):  # warm-up: connections, caches, model catalog
        first_token_seconds(direct, direct_path, body, headers)
        first_token_seconds(through, "/v1/chat/completions", body, headers)
    d, t = [], []
    for _ in range(requests):
        d.append(first_token_seconds(direct, direct_path, body, headers))
        t.append(first_token_seconds(through, "/v1/chat/completions", body, headers))
    ms = lambda v: round(v * 1000, 3)
    result = {
        "requests_each": requests,
        "direct_ms": {"p50": ms(statistics.median(d)), "p90": ms(percentile(d, 90)),
                      "p99": ms(percentile(d, 99)), "p99.9": ms(percentile(d, 99.9))},
        "through_ms": {"p50": ms(statistics.median(t)), "p90": ms(percentile(t, 90)),
                       "p99": ms(percentile(t, 99)), "p99.9": ms(percentile(t, 99.9))},
        "added_ms": {"p50": ms(statistics.median(t) - statistics.median(d)),
                     "p90": ms(percentile(t, 90) - percentile(d, 90)),
                     "p99": ms(percentile(t, 99) - percentile(d, 99)),
                     "p99.9": ms(percentile(t, 99.9) - percentile(d, 99.9))},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
