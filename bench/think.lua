-- Shared by the wrk scripts (dofile): BENCH_THINK_MS, each connection waits
-- about this long between its requests (a shopper's think time), spread
-- over [think/2, 3*think/2] so the connections do not move in step; 0 (the
-- default) sends the next request at once.
local think_ms = tonumber(os.getenv("BENCH_THINK_MS") or "0")
function delay()
  if think_ms <= 0 then return 0 end
  return math.floor(think_ms / 2 + math.random() * think_ms)
end
