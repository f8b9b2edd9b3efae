-- wrk script of bench/run.sh: a shopper's session, over and over. Each
-- thread walks the steps in turn, one request per step:
--   1-2  two listing pages (BENCH_DATA/listings: every page, sort, category)
--   3    a search (BENCH_DATA/searches: words of product names)
--   4    a product's detail (BENCH_DATA/products: "<productId> <variantId>")
--   5    add its variant to a guest cart (POST /api/cart/items, X-Session-ID)
--   6    view that cart (GET /api/cart, same X-Session-ID)
-- Every session has its own cart: X-Session-ID bs<BENCH_RUN_TAG>-<thread>-<n>
-- (bench/run.sh deletes them afterwards). With several connections a thread's
-- steps run on different connections, so step 6 may overtake step 5: the
-- cart is then empty, still one GET /api/cart. Reads ask for brotli.
dofile(os.getenv("BENCH_LUA_DIR") .. "/tally.lua")

local listings, searches, products = {}, {}, {}
local step, session = 0, 0
local product, variant, sid = nil, nil, nil
local tag = os.getenv("BENCH_RUN_TAG") or "0"

local function load(name, into)
  for line in io.lines(os.getenv("BENCH_DATA") .. "/" .. name) do
    if line ~= "" then into[#into + 1] = line end
  end
  assert(#into > 0, "bench/session.lua: " .. name .. " is empty")
end

local function pick(list)
  return list[math.random(#list)]
end

function init(args)
  load("listings", listings)
  load("searches", searches)
  load("products", products)
  math.randomseed(os.time() + thread_id * 7919)
  wrk.headers["Accept-Encoding"] = "br"
end

function request()
  step = step % 6 + 1
  if step == 1 then
    session = session + 1
    sid = string.format("bs%s-%d-%d", tag, thread_id, session)
    product, variant = pick(products):match("^(%S+)%s+(%S+)")
  end
  if step <= 2 then
    return wrk.format("GET", pick(listings))
  elseif step == 3 then
    return wrk.format("GET", "/api/products/search?q=" .. pick(searches))
  elseif step == 4 then
    return wrk.format("GET", "/api/products/" .. product)
  elseif step == 5 then
    local body = string.format('{"variantId":"%s","quantity":1}', variant)
    return wrk.format("POST", "/api/cart/items", { ["Content-Type"] = "application/json", ["X-Session-ID"] = sid }, body)
  end
  return wrk.format("GET", "/api/cart", { ["Accept-Encoding"] = "br", ["X-Session-ID"] = sid })
end
