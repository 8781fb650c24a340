-- wrk script: POST one complaint of its own — a phone of its own and a
-- description of ~300 Chinese characters drawn like bench/search/seed.c's
-- (phrases of fuel-station complaints and characters at random) — so that
-- each intake adds terms of its own to the search index, as real
-- complaints do, and no two intakes are one customer's repeats (which the
-- intake links, reading that customer's earlier complaints).
local token = os.getenv("REDRESS_TOKEN")
local phrases = {
  "加油员态度恶劣", "拒绝开具发票", "汽油质量有问题", "车辆加油后发动机故障", "加油机计量不准",
  "收银员多收费用", "便利店商品过期", "洗车服务不满意", "积分没有到账", "会员卡无法使用",
  "排队时间过长", "站内卫生很差", "油枪漏油弄脏衣服", "没有按规定找零", "促销活动不兑现",
  "客户要求赔偿损失", "投诉处理太慢", "电话一直无人接听", "工作人员吸烟", "加错了汽油型号",
  "发票抬头开错", "支付宝付款失败", "微信支付重复扣款", "加油卡余额不对", "夜间不营业",
  "停车位被占用", "卫生间没有纸", "油价与公示不符", "加油量不足", "服务人员推销过度",
}
local pool = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说" ..
  "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当" ..
  "使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你" ..
  "明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果"
local chars = {}
for i = 1, #pool, 3 do chars[#chars + 1] = pool:sub(i, i + 2) end

local counter = 0
function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

local function description()
  local parts, n = {}, 0
  while n < 300 do
    if math.random(10) <= 7 then
      local p = phrases[math.random(#phrases)]
      parts[#parts + 1] = p .. "，"
      n = n + #p / 3 + 1
    else
      parts[#parts + 1] = chars[math.random(#chars)]
      n = n + 1
    end
  end
  return table.concat(parts)
end

request = function()
  counter = counter + 1
  local phone = string.format("139%08d", math.random(0, 99999999))
  local body = [[{"channel":"phone","customer":{"name":"王先生","phone":"]] .. phone .. [[","class":"ordinary"},
"subject_unit":"SH-PD-01","subject_staff":"加油员 李强","category":"service.attitude",
"place":"3号加油机","description":"]] .. description() .. [[","demand":"要求道歉并开具发票","level":3}]]
  return wrk.format("POST", "/api/v1/complaints",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

done = function(summary, latency, requests)
  local ok = summary.requests - summary.errors.status - summary.errors.connect - summary.errors.read
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d\n",
    ok / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
