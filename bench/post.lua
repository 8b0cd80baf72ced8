-- wrk: POSTs one GraphQL body (file BENCH_BODY) with a bearer token; with BENCH_TOKENS (a file of
-- tokens, one a line) each request takes the next token, so that concurrent requests come from
-- different people (castVote). With BENCH_THINK_MS each connection is a person who waits a random
-- time (exponential, that mean) after each answer before the next request, as voters do.
local function read(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

local body = read(os.getenv("BENCH_BODY"))
local token = os.getenv("BENCH_TOKEN")
local tokens = {}
local tokens_file = os.getenv("BENCH_TOKENS")
if tokens_file then
  for line in io.lines(tokens_file) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
end

local counter = 0
function init(args)
  -- Threads start at different places in the token list.
  counter = math.random(1, math.max(#tokens, 1))
end

function request()
  local headers = { ["Content-Type"] = "application/json" }
  if #tokens > 0 then
    counter = counter + 1
    headers["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]
  elseif token and #token > 0 then
    headers["Authorization"] = "Bearer " .. token
  end
  return wrk.format("POST", nil, headers, body)
end

local think = tonumber(os.getenv("BENCH_THINK_MS") or "")
if think then
  function delay()
    return math.floor(-math.log(1 - math.random()) * think)
  end
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d errors=%d p50_us=%d p99_us=%d\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end
