#!/usr/bin/env python3
"""Instructions per request by component, side by side for several callgrind dumps of chat-service
(bench/callgrind.py): each component is the inclusive cost of the functions named below (the first,
i.e. largest, entry callgrind_annotate lists for each), divided by the requests of that run.

    bench/callgrind_components.py LABEL=DUMP:REQUESTS [LABEL=DUMP:REQUESTS ...]
"""

import re
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
from callgrind_summary import demangle, inclusive, parse_self  # noqa: E402

COMPONENTS = [
    ("HTTP/1 parsing in and out (NIO HTTPDecoder, llhttp)", ["HTTPDecoder.feedInput(context:buffer:)"]),
    ("request body → ChatRequest (scanner + JSONDecoder, then scanner + one pass)",
     ["specialized static JSONRequestBody.decode<A, B>(_:from:)", "specialized ChatRequest.Wire.init<A>(reading:)"]),
    ("  of which StrictJSONScanner", ["specialized static StrictJSONScanner.validate(_:)"]),
    # Before 2026-12-02 through Foundation (WireJSON); since, written and read by hand (JSONWriter,
    # ResponseBody(reading:)); each row sums whichever of its functions the dump has.
    ("Ollama request body (JSONEncoder, then JSONWriter)",
     ["specialized static WireJSON.encode<A>(_:for:)", "OllamaProvider.RequestBody.encoded(for:)"]),
    ("Ollama answer → completion (JSONDecoder, then one pass)",
     ["specialized static OllamaProvider.completion(from:requestedModel:)",
      "static OllamaProvider.completion(from:requestedModel:)"]),
    ("/v1/chat response body (OrderedJSONEncoder: build the tree, write it; then JSONWriter)",
     ["ChatResponse.encode(to:)", "JSONNode.write(into:)", "ChatResponse.json.getter"]),
    ("logger metadata set (3 per request)", ["Logger.subscript.setter"]),
    ("Prometheus metrics (request, overhead, call, flush, fsync)",
     ["ServiceMetrics.recordRequest(route:method:status:duration:)", "ServiceMetrics.recordGatewayOverhead(route:overhead:)",
      "ServiceMetrics.recordCall(_:)", "ServiceMetrics.recordCost(_:)",
      "ServiceMetrics.recordFlush(batchSize:duration:stored:)", "ServiceMetrics.recordLogSync(_:)"]),
    ("Server-Timing header value", ["ServerTiming.headerValue.getter"]),
    ("Interaction → BSON (spool payload)", ["specialized static InteractionSpool.payload(of:)"]),
    ("log group commit on the thread pool (pwrite, fsync, publish)", ["closure #1 in InteractionSpool.startFlush(_:)"]),
    ("shipment: BSON copies + insert_many (thread pool)", ["closure #1 in InteractionStore.replay(_:)"]),
    ("  of which libmongoc's document validation", ["_mongoc_validate_new_document"]),
]


def main():
    runs = []
    for arg in sys.argv[1:]:
        label, rest = arg.split("=", 1)
        dump, requests = rest.rsplit(":", 1)
        rows = inclusive(dump)
        names = demangle([fn for _, fn in rows])
        first = {}
        for ir, fn in rows:
            first.setdefault(names[fn], ir)
        _, total = parse_self(dump)
        runs.append((label, first, int(requests), total))
    print("| component | " + " | ".join(label for label, *_ in runs) + " |")
    print("|---|" + "---:|" * len(runs))
    print("| **total per request** | " + " | ".join(f"**{t / n:,.0f}**" for _, _, n, t in runs) + " |")
    for name, functions in COMPONENTS:
        cells = []
        for _, first, n, _ in runs:
            cells.append(f"{sum(first.get(f, 0) for f in functions) / n:,.0f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
