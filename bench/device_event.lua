-- wrk: POST /api/v1/devices/HT-<thread>/events, one confirm of one unit per request, each with a
-- fresh event key. XB_BENCH_KEY: API key; XB_BENCH_TASK: an open receive task (line 1).
local key = os.getenv("XB_BENCH_KEY") or ""
local task = os.getenv("XB_BENCH_TASK") or "1"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local headers = { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }
function request()
  n = n + 1
  local body = '{"event_key":"' .. tid .. '-' .. n .. '","type":"confirm","task_id":' .. task ..
      ',"line_no":1,"quantity":1,"barcode":"(01)09501101020917"}'
  return wrk.format("POST", "/api/v1/devices/HT-" .. tid .. "/events", headers, body)
end
local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("non-200 answers (last thread): %d\n", bad))
end
