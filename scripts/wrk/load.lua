-- wrk script of scripts/load: one file, the workload chosen by environment variables.
--
--   LOAD_MODE    get | oauth | post | search | mix (Magento);
--                sc-get | sc-put | sc-list (Snipcart);
--                px-get | px-post | px-oauth | px-customers (PrintXpand);
--                tt-get | tt-post (Tunetoo)
--   LOAD_AUTH    Snipcart: the whole Authorization header (Basic)
--   LOAD_TOKEN   admin bearer token (every mode but oauth)
--   LOAD_SKU     the SKU of `get`
--   LOAD_FILE    `oauth`: pre-signed requests, one `path<TAB>Authorization` a line,
--                each nonce used once
--   LOAD_COUNT   stop after this many responses (0: run for wrk's -d); the rate is
--                then timed here, from the first request to the last response
--   LOAD_CHUNK   `post`: a checkpoint every this many responses (per-chunk rates)
--   LOAD_START   `post`: first catalogue number (SKU cat-NNNNNN)
--   LOAD_PRODUCTS `mix`, `px-oauth`: catalogue size (SKUs cat-000000 / ids 1000000.. to
--                pick from)
--   LOAD_PATH    `px-get`: the path and query of the GET
--   LOAD_BATCH   `px-customers`: customers per request
--   LOAD_KEY, LOAD_SIG  Tunetoo: the shop's key and the signature of the request (of
--                `[]` for `tt-get`, of LOAD_BODY for `tt-post`)
--   LOAD_BODY    `tt-post`: the order, sent as it was signed
--
-- Run with one thread (-t1): a count-bounded run stops wrk early by sending it SIGINT
-- from the thread that finished. done() prints one `RESULT {json}` line.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clk, load_timespec *ts);
int kill(int pid, int sig);
int getpid(void);
]]
local ts = ffi.new("load_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local mode = os.getenv("LOAD_MODE") or "get"
local token = os.getenv("LOAD_TOKEN") or ""
local count = tonumber(os.getenv("LOAD_COUNT") or "0")
local chunk = tonumber(os.getenv("LOAD_CHUNK") or "0")
local start = tonumber(os.getenv("LOAD_START") or "0")
local products = tonumber(os.getenv("LOAD_PRODUCTS") or "1")
local bearer = { ["Authorization"] = "Bearer " .. token }
-- Snipcart: HTTP Basic with the secret key, and the Accept its docs require.
local basic = { ["Authorization"] = os.getenv("LOAD_AUTH") or "", ["Accept"] = "application/json" }
local basic_json = { ["Authorization"] = os.getenv("LOAD_AUTH") or "", ["Accept"] = "application/json",
                     ["Content-Type"] = "application/json" }
local json_headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

local batch = tonumber(os.getenv("LOAD_BATCH") or "100")
-- Tunetoo: one signature serves every request with the same bytes.
local tunetoo = { ["X-TUNETOO-API-KEY"] = os.getenv("LOAD_KEY") or "",
                  ["X-TUNETOO-SIGNATURE"] = os.getenv("LOAD_SIG") or "",
                  ["Content-Type"] = "application/json" }
local tt_body = os.getenv("LOAD_BODY") or ""

-- PrintXpand: one product of a product/create batch, id 1000000 + i, in category 1001.
local function px_product(i)
  return string.format(
    '{"product":{"1":{"id":%d,"name":"%s %d","type":"simple","price":"%.2f",' ..
    '"category_id":"1001","status":1,"enable_product_designer":0}}}',
    1000000 + i, "Load Tee", i, 10 + ((i * 37) % 1000) / 10)
end

-- PrintXpand: `batch` new customers, ids and e-mails from request number n.
local function px_customers(n)
  local items = {}
  for k = 0, batch - 1 do
    local i = n * batch + k
    items[#items + 1] = string.format(
      '"%d":{"id":"c%d","first_name":"Load","last_name":"Customer %d","email":"load%d@example.com"}',
      i, i, i, i)
  end
  return '{"customer":{' .. table.concat(items, ",") .. '}}'
end

local colours = { "Blue", "Red", "Green", "Black", "White", "Grey", "Yellow", "Pink" }
local kinds = { "Tee", "Hoodie", "Cap", "Mug", "Bag", "Sock", "Scarf", "Poster" }

-- Same catalogue as the criterion benches: `cat-000012`, `Black Hoodie 12`.
local function product_body(i)
  local name = string.format("%s %s %d", colours[i % 8 + 1], kinds[math.floor(i / 8) % 8 + 1], i)
  return string.format(
    '{"product":{"sku":"cat-%06d","name":"%s","price":%.1f,"attribute_set_id":4,' ..
    '"type_id":"simple","status":1,"visibility":4,"weight":1}}',
    i, name, 10 + ((i * 37) % 1000) / 10)
end

local search_path = "/rest/V1/products?" ..
    "searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=name" ..
    "&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=%25Blue%25" ..
    "&searchCriteria%5Bfilter_groups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bcondition_type%5D=like" ..
    "&searchCriteria%5BsortOrders%5D%5B0%5D%5Bfield%5D=name" ..
    "&searchCriteria%5BsortOrders%5D%5B0%5D%5Bdirection%5D=ASC" ..
    "&searchCriteria%5BpageSize%5D=20&searchCriteria%5BcurrentPage%5D=1"

-- Per-thread state; globals so that done() can read them with thread:get().
sent = 0
answered = 0
bad = 0
bad_sample = ""
t_first = 0
t_last = 0
checkpoints = ""
exhausted = 0

local presigned

function init(args)
  math.randomseed(12345)
  if mode == "oauth" or mode == "px-oauth" then
    presigned = assert(io.open(os.getenv("LOAD_FILE"), "r"))
  end
end

-- The next pre-signed request's path and Authorization header; nil once they are used
-- up (a reused nonce would be refused): the last few connections then wait on an admin
-- GET until LOAD_COUNT responses are in.
local function next_presigned()
  local line = presigned:read("*l")
  if not line then
    exhausted = 1
    return nil
  end
  return line:match("^([^\t]+)\t(.+)$")
end

local function next_request()
  local n = sent
  sent = sent + 1
  if mode == "get" then
    return wrk.format("GET", "/rest/V1/products/" .. (os.getenv("LOAD_SKU") or "test-001"), bearer)
  elseif mode == "oauth" then
    local path, auth = next_presigned()
    if not path then
      return wrk.format("GET", "/__sim/info")
    end
    return wrk.format("GET", path, { ["Authorization"] = auth })
  elseif mode == "post" then
    return wrk.format("POST", "/rest/V1/products", json_headers, product_body(start + n))
  elseif mode == "search" then
    return wrk.format("GET", search_path, bearer)
  elseif mode == "sc-get" then
    return wrk.format("GET", "/api/products/" .. (os.getenv("LOAD_SKU") or "AP1"), basic)
  elseif mode == "sc-put" then
    return wrk.format("PUT", "/api/products/" .. (os.getenv("LOAD_SKU") or "HGW"), basic_json,
      string.format('{"inventoryManagementMethod":"Single","stock":%d}', n % 1000))
  elseif mode == "sc-list" then
    return wrk.format("GET", "/api/products", basic)
  elseif mode == "tt-get" then
    return wrk.format("GET", os.getenv("LOAD_PATH"), tunetoo)
  elseif mode == "tt-post" then
    return wrk.format("POST", "/v1/orders", tunetoo, tt_body)
  elseif mode == "px-get" then
    return wrk.format("GET", os.getenv("LOAD_PATH"), bearer)
  elseif mode == "px-post" then
    return wrk.format("POST", "/rest/V1/product/create/", json_headers, px_product(start + n))
  elseif mode == "px-customers" then
    return wrk.format("POST", "/rest/V1/customer/create/", json_headers, px_customers(start + n))
  elseif mode == "px-oauth" then
    -- Pre-signed like `oauth` (the JSON body is not part of an OAuth signature): an
    -- update of a random catalogue product.
    local path, auth = next_presigned()
    if not path then
      return wrk.format("GET", "/__sim/info")
    end
    return wrk.format("POST", path, { ["Authorization"] = auth, ["Content-Type"] = "application/json" },
      px_product(math.random(0, products - 1)))
  else -- mix: 7 product GETs, 2 saves of an existing product, 1 search in 10
    local k = n % 10
    local i = math.random(0, products - 1)
    if k < 7 then
      return wrk.format("GET", string.format("/rest/V1/products/cat-%06d", i), bearer)
    elseif k < 9 then
      return wrk.format("POST", "/rest/V1/products", json_headers, product_body(i))
    else
      return wrk.format("GET", search_path, bearer)
    end
  end
end

-- wrk calls request() once before it connects, only to parse what the script makes
-- (script_verify_request, in the first thread); that call gets a placeholder, so no
-- catalogue number, nonce or start time is spent on it.
local checked = false

function request()
  if not checked then
    checked = true
    return wrk.format("GET", "/__sim/info")
  end
  if t_first == 0 then
    t_first = now_us()
  end
  if count > 0 and sent >= count then
    -- Every counted request is out: the connections still waiting for their turn send
    -- a cheap admin GET until the count of responses is in (at most one each).
    return wrk.format("GET", "/__sim/info")
  end
  return next_request()
end

function response(status, headers, body)
  if count > 0 and answered >= count then
    return -- in flight when the count was reached: not part of the run
  end
  answered = answered + 1
  if status < 200 or status > 299 then
    bad = bad + 1
    if bad_sample == "" then
      bad_sample = status .. " " .. string.sub(body or "", 1, 200)
    end
  end
  if chunk > 0 and answered % chunk == 0 then
    checkpoints = checkpoints .. string.format("%.0f,", now_us() - t_first)
  end
  if count > 0 and answered == count then
    t_last = now_us()
    ffi.C.kill(ffi.C.getpid(), 2) -- SIGINT: wrk stops and reports
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local answered_all, bad_all, first, last, marks, sample, ex = 0, 0, nil, 0, "", "", 0
  for _, t in ipairs(threads) do
    answered_all = answered_all + (t:get("answered") or 0)
    bad_all = bad_all + (t:get("bad") or 0)
    local tf = t:get("t_first") or 0
    if tf > 0 and (first == nil or tf < first) then first = tf end
    last = math.max(last, t:get("t_last") or 0)
    marks = marks .. (t:get("checkpoints") or "")
    if sample == "" then sample = t:get("bad_sample") or "" end
    ex = math.max(ex, t:get("exhausted") or 0)
  end
  local elapsed_us = summary.duration
  if count > 0 and first and last > 0 then
    elapsed_us = last - first
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"mode":"%s","responses":%d,"elapsed_us":%.0f,"rps":%.1f,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"non2xx":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"checkpoints_us":[%s],"count_reached":%s,' ..
    '"exhausted":%s,"bad_sample":%s}\n',
    mode, answered_all, elapsed_us, answered_all / (elapsed_us / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad_all, e.connect + e.read + e.write, e.timeout,
    string.gsub(marks, ",$", ""), tostring(count > 0 and last > 0), tostring(ex > 0),
    json_string(sample)))
end
