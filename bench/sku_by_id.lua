-- wrk script: GET /api/v1/skus/{id} for a random id in 1..XB_BENCH_SKUS (default 2000), with
-- the API key from XB_BENCH_KEY as a bearer token.
local key = os.getenv("XB_BENCH_KEY") or ""
local skus = tonumber(os.getenv("XB_BENCH_SKUS") or "2000")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

local headers = { ["Authorization"] = "Bearer " .. key }

function request()
  return wrk.format("GET", "/api/v1/skus/" .. math.random(1, skus), headers)
end
