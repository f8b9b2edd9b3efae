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


dofile(os.getenv("BENCH_LUA_DIR") .. "/think.lua")
