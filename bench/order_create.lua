-- wrk script of bench/order_create.sh: every request checks out a different
-- pre-made guest cart (X-Session-ID bench-<thread>-<n>).
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
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
