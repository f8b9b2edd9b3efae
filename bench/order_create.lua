-- wrk script of bench/order_create.sh: every request checks out a different
-- pre-made guest cart (X-Session-ID bench-<thread>-<n>; a second run uses
-- the threads from BENCH_CART_THREAD0 on, so it never meets an emptied cart).
--
-- BENCH_THINK_MS: each connection waits this long between its orders (a
-- shopper's think time), so 1000 connections offer about
-- 1000 / (think + latency) orders per second instead of saturating the
-- server; latency is then the server's, not the queue's.
-- At the end every non-2xx status is printed with its count and the first
-- answer seen for it, so an error is never just a number.
local counter = 0
thread_id = 0  -- a global: setup() sets it in each thread with thread:set
local threads = {}
statuses = {}  -- globals: done() reads them through thread:get
samples = {}

local thread0 = tonumber(os.getenv("BENCH_CART_THREAD0") or "0")

function setup(thread)
  thread:set("thread_id", thread0 + #threads)
  table.insert(threads, thread)
end

local body = '{"shipping_address":{"name":"Bench Shopper","address":"1 Ring Road","city":"Accra",' ..
  '"state":"Greater Accra","zip_code":"","country":"Ghana","phone":"+233241234567"},' ..
  '"customer_email":"bench@example.com","customer_phone":"0241234567","payment_provider":"mtn"}'

function request()
  counter = counter + 1
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["X-Session-ID"] = string.format("bench-%d-%d", thread_id, counter)
  return wrk.format("POST", "/api/orders", headers, body)
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/think.lua")

function response(status, headers, resp_body)
  if status >= 200 and status < 300 then return end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if not samples[key] then samples[key] = string.sub(resp_body or "", 1, 200) end
end

function done(summary, latency, requests)
  local totals, firsts = {}, {}
  for _, thread in ipairs(threads) do
    for k, n in pairs(thread:get("statuses")) do
      totals[k] = (totals[k] or 0) + n
      firsts[k] = firsts[k] or thread:get("samples")[k]
    end
  end
  for k, n in pairs(totals) do
    io.write(string.format("status %s: %d  first answer: %s\n", k, n, firsts[k]))
  end
  local e = summary.errors
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
                         e.connect, e.read, e.write, e.timeout))
end
