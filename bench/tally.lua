-- Shared by bench/run.sh's wrk scripts (dofile): numbers the threads
-- (global thread_id, set before init) and, unless BENCH_TALLY=0, counts
-- the answers by status and by X-Cache (HIT, MISS, STALE..., none). done()
-- prints two lines that bench/report.py reads:
--   bench-status 200=51234 503=2
--   bench-cache HIT=51000 MISS=236
-- (BENCH_TALLY=0 drops the response() hook: wrk then parses no headers, a
-- little less load-generator CPU, and only its own non-2xx count remains.)
thread_id = 0 -- a global: setup() sets it in each thread with thread:set
statuses = {} -- globals: done() reads them through thread:get
caches = {}
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

local function bump(t, k)
  t[k] = (t[k] or 0) + 1
end

if os.getenv("BENCH_TALLY") ~= "0" then
  function response(status, headers, body)
    bump(statuses, tostring(status))
    bump(caches, headers["X-Cache"] or headers["x-cache"] or "none")
  end
end

local function line(name, field)
  local totals, keys = {}, {}
  for _, t in ipairs(threads) do
    for k, n in pairs(t:get(field)) do
      if not totals[k] then keys[#keys + 1] = k end
      totals[k] = (totals[k] or 0) + n
    end
  end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. totals[k] end
  io.write(name, " ", table.concat(parts, " "), "\n")
end

function done(summary, latency, requests)
  if os.getenv("BENCH_TALLY") == "0" then return end
  line("bench-status", "statuses")
  line("bench-cache", "caches")
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/think.lua")
