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


dofile(os.getenv("BENCH_LUA_DIR") .. "/think.lua")
