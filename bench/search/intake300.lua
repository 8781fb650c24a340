-- wrk script: POST one complaint with a description of 300 Chinese
-- characters (what the search index costs at intake is proportional to it).
local token = os.getenv("REDRESS_TOKEN")
wrk.method = "POST"
wrk.path = "/api/v1/complaints"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token
local d = string.rep("加油员态度恶劣，拒绝开具发票，并且在客户询问时不予理睬。油品质量也有问题，车辆加油后发动机故障。", 6)
wrk.body = [[{"channel":"phone","customer":{"name":"王先生","phone":"13812345678","class":"ordinary"},
"subject_unit":"SH-PD-01","subject_staff":"加油员 李强","category":"service.attitude",
"place":"3号加油机","description":"]] .. d .. [[","demand":"要求道歉并开具发票","level":3}]]

done = function(summary, latency, requests)
  local ok = summary.requests - summary.errors.status - summary.errors.connect - summary.errors.read
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    ok / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
