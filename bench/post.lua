-- wrk script: POST a fixed JSON body to the path given as the first script argument; an optional
-- third argument "Name: value" adds one header (the LiteLLM proxy's Authorization).
-- usage: wrk ... -s bench/post.lua URL -- PATH BODY [HEADER]
function init(args)
    wrk.method = "POST"
    wrk.path = args[1]
    wrk.body = args[2]
    wrk.headers["Content-Type"] = "application/json"
    if args[3] then
        local name, value = args[3]:match("^([^:]+):%s*(.*)$")
        wrk.headers[name] = value
    end
end

function done(summary, latency, requests)
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.status + summary.errors.timeout
    io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d non2xx_or_errors=%d p90_ms=%.2f p999_ms=%.2f\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
        latency:percentile(99) / 1000, summary.requests, errors,
        latency:percentile(90) / 1000, latency:percentile(99.9) / 1000))
end
