-- wrk script: POST /api/v1/orders, one order per request: a unique channel order number per
-- thread and request, one line of SKU XB_BENCH_SKU at 200.00 (tax 18.20, paid 218.20), the
-- buyer (= payer) a resident identity card number derived from the request counter: a new
-- identity per request, or one of XB_BENCH_HOT identities (0 .. HOT-1, in turn) when set, to
-- drive them into the annual limit. API key from XB_BENCH_KEY, channel XB_BENCH_CHANNEL, prefix XB_BENCH_PREFIX.
local key = os.getenv("XB_BENCH_KEY") or ""
local sku = os.getenv("XB_BENCH_SKU") or "1"
local channel = os.getenv("XB_BENCH_CHANNEL") or "1"
local prefix = os.getenv("XB_BENCH_PREFIX") or "W"
local hot = tonumber(os.getenv("XB_BENCH_HOT") or "0")
local today = os.date("!%Y-%m-%d")

local threads = {}
local counter = 0
-- `tid` (a global) is set in each thread's state by setup().

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
end

local weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
local checks = "10X98765432"
local base = os.time({year = 1950, month = 1, day = 1, hour = 12})

local function identity(n)
  local day = os.date("!%Y%m%d", base + math.floor(n / 900) % 18000 * 86400)
  local body = "110101" .. day .. tostring(100 + n % 900)
  local sum = 0
  for i = 1, 17 do sum = sum + (string.byte(body, i) - 48) * weights[i] end
  local m = sum % 11 + 1
  return body .. string.sub(checks, m, m)
end

function request()
  counter = counter + 1
  local n = counter * 64 + tid
  local person = n
  if hot > 0 then person = (counter + tid) % hot end
  local id = identity(person)
  local no = prefix .. tid .. "-" .. counter
  local body = '{"channel_id":' .. channel .. ',"channel_order_no":"' .. no ..
    '","order_date":"' .. today ..
    '","buyer":{"name":"Zhang San","id_type":"id_card","id_number":"' .. id ..
    '","phone":"13800138000"},"address":{"consignee":"Zhang San","phone":"13800138000",' ..
    '"province":"Zhejiang","city":"Ningbo","district":"Beilun","street":"1 Harbour Rd"},' ..
    '"payment":{"payment_no":"P' .. no .. '","payer_name":"Zhang San","payer_id_type":"id_card",' ..
    '"payer_id_number":"' .. id .. '","amount":"218.20"},"lines":[{"sku_id":' .. sku ..
    ',"quantity":1,"unit_price":"200.00"}],"freight":"0.00","insurance":"0.00",' ..
    '"discount":"0.00","tax":"18.20","paid":"218.20"}'
  return wrk.format(nil, nil, nil, body)
end
