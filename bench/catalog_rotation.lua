-- wrk script for bench/catalog_rotation.sh: rotates over the request paths
-- listed in a file (one a line), asking for brotli as browsers do, and counts
-- the X-Cache answers (HIT, MISS, STALE, STALE-IF-ERROR, or none).
--   wrk ... -s bench/catalog_rotation.lua <url> -- <paths file>
-- Each thread starts at its own offset of the list, so the threads do not
-- walk it in step. A HIT or a STALE answer came from the cache.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local paths = {}
local next_path = 0
hit, miss, stale, other = 0, 0, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  next_path = math.floor(((id * 0.6180339887) % 1) * #paths) -- spread for any thread count
  wrk.headers["Accept-Encoding"] = "br"
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end

function response(status, headers, body)
  local cache = headers["X-Cache"] or headers["x-cache"]
  if cache == "HIT" then
    hit = hit + 1
  elseif cache == "MISS" then
    miss = miss + 1
  elseif cache ~= nil and cache:sub(1, 5) == "STALE" then
    stale = stale + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local h, m, s, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    h, m, s, o = h + t:get("hit"), m + t:get("miss"), s + t:get("stale"), o + t:get("other")
  end
  local total = math.max(1, h + m + s + o)
  io.write(string.format("X-Cache: %d HIT, %d MISS, %d STALE, %d none; from cache %.1f%%\n",
    h, m, s, o, 100 * (h + s) / total))
end
