-- wrk script of bench/payments.sh: signed Paystack webhooks read from
-- BENCH_FILE ("<signature> <body>" a line), each thread from its own offset.
local lines = {}
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_FILE")) do
    lines[#lines + 1] = line
  end
  counter = thread_id * 100003
end

function request()
  counter = counter + 1
  local line = lines[counter % #lines + 1]
  local space = line:find(" ", 1, true)
  local headers = {}
  headers["Content-Type"] = "application/json"
  headers["x-paystack-signature"] = line:sub(1, space - 1)
  return wrk.format("POST", nil, headers, line:sub(space + 1))
end

-- BENCH_THINK_MS: each connection waits about this long between requests
-- (spread over [think/2, 3*think/2] so connections do not move in step).
local think_ms = tonumber(os.getenv("BENCH_THINK_MS") or "0")
function delay()
  if think_ms <= 0 then return 0 end
  return math.floor(think_ms / 2 + math.random() * think_ms)
end
