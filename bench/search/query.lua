-- wrk script: one GET of the complaint list (BENCH_PATH) with a bearer token;
-- prints the rate and the 50th, 95th and 99th percentiles of latency.
local token = os.getenv("REDRESS_TOKEN")
wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH")
wrk.headers["Authorization"] = "Bearer " .. token

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
