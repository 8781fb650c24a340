-- wrk script: the agent queue of one station, nearest deadline first.
local token = os.getenv("REDRESS_TOKEN")
wrk.method = "GET"
wrk.path = "/api/v1/complaints?owner_unit=SH-PD-01&status=open&sort=deadline&limit=50"
wrk.headers["Authorization"] = "Bearer " .. token

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
