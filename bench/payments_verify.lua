-- wrk script of bench/payments.sh: POST /api/orders/BENCH-v-<n>/verify-payment
-- as the guest (its e-mail), over BENCH_ORDERS orders.
local counter = 0
local thread_id = 0
local threads = 0
local orders = 1

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  orders = tonumber(os.getenv("BENCH_ORDERS")) or 1
  counter = thread_id * 7919
end

function request()
  counter = counter + 1
  local path = string.format("/api/orders/BENCH-v-%d/verify-payment?email=bench@example.com", counter % orders + 1)
  return wrk.format("POST", path, {}, "")
end

-- BENCH_THINK_MS: each connection waits about this long between requests
-- (spread over [think/2, 3*think/2] so connections do not move in step).
local think_ms = tonumber(os.getenv("BENCH_THINK_MS") or "0")
function delay()
  if think_ms <= 0 then return 0 end
  return math.floor(think_ms / 2 + math.random() * think_ms)
end
