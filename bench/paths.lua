-- wrk script of bench/run.sh: GET the URL given, or rotate over the request
-- paths listed in BENCH_PATHS (one a line; each thread starts at its own
-- offset so the threads do not walk it in step).
--   BENCH_ENCODING  Accept-Encoding (default br, as browsers; "" sends none)
--   BENCH_TOKEN     a bearer token (Authorization header)
--   BENCH_THINK_MS  think time per connection (think.lua; default 0)
-- Counts statuses and X-Cache answers (tally.lua).
dofile(os.getenv("BENCH_LUA_DIR") .. "/tally.lua")

local paths = {}
local next_path = 0
local single = nil

function init(args)
  local file = os.getenv("BENCH_PATHS") or ""
  if file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then paths[#paths + 1] = line end
    end
    next_path = math.floor(((thread_id * 0.6180339887) % 1) * #paths)
  end
  local encoding = os.getenv("BENCH_ENCODING") or "br"
  if encoding ~= "" then wrk.headers["Accept-Encoding"] = encoding end
  local token = os.getenv("BENCH_TOKEN") or ""
  if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
  single = wrk.format()
end

function request()
  if #paths == 0 then return single end
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end
