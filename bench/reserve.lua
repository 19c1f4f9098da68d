-- wrk script: POST /api/v1/reservations, one unit of SKU XB_BENCH_SKU in warehouse
-- XB_BENCH_WAREHOUSE per request, confirmed at once (no lapse), with the API key from
-- XB_BENCH_KEY as a bearer token. No Idempotency-Key: every request is a new reservation.
local key = os.getenv("XB_BENCH_KEY") or ""
local wh = os.getenv("XB_BENCH_WAREHOUSE") or "1"
local sku = os.getenv("XB_BENCH_SKU") or "1"
wrk.method = "POST"
wrk.body = '{"warehouse_id":' .. wh .. ',"sku_id":' .. sku ..
           ',"quantity":1,"order_ref":"SO-WRK","hold_seconds":0}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

-- The tail beyond wrk's p99, for reserve_bench.sh: "tail: p99.9 <ms> max <ms>".
function done(summary, latency, requests)
  io.write(string.format("tail: p99.9 %.2fms max %.2fms\n",
                         latency:percentile(99.9) / 1000, latency.max / 1000))
end
