-- wrk: POST /api/v1/devices/HT-<thread>-<n>/events/batch with XB_BENCH_BATCH (default 1000)
-- confirms of one unit each, every event with a fresh key. XB_BENCH_KEY, XB_BENCH_TASK as in
-- device_event.lua.
local key = os.getenv("XB_BENCH_KEY") or ""
local task = os.getenv("XB_BENCH_TASK") or "1"
local size = tonumber(os.getenv("XB_BENCH_BATCH") or "1000")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
function request()
  n = n + 1
  local parts = {}
  for i = 1, size do
    parts[i] = '{"event_key":"' .. i .. '","type":"confirm","task_id":' .. task ..
        ',"line_no":1,"quantity":1,"barcode":"(01)09501101020917"}'
  end
  return wrk.format("POST", "/api/v1/devices/HT-" .. tid .. "-" .. n .. "/events/batch", headers,
                    '{"events":[' .. table.concat(parts, ",") .. ']}')
end
