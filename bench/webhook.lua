-- wrk script for bench/webhook.py: cycles through pre-built requests (one per line: path TAB body), each with a
-- distinct MsgId, so the server does the full work for every request. Usage:
--   wrk -t1 -c32 -d10s -s bench/webhook.lua http://127.0.0.1:PORT -- REQUESTS_FILE THREADS [PATH_OVERRIDE]
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local path_override = args[3]
  prepared = {}
  local f = assert(io.open(args[1], "r"))
  for line in f:lines() do
    local tab = line:find("\t", 1, true)
    local path = path_override or line:sub(1, tab - 1)
    local body = line:sub(tab + 1)
    prepared[#prepared + 1] = wrk.format("POST", path, {["Content-Type"] = "text/xml"}, body)
  end
  f:close()
  stride = tonumber(args[2]) or 1
  index = tid + 1
  wraps = 0
end

function request()
  local r = prepared[index]
  index = index + stride
  if index > #prepared then
    index = ((index - 1) % #prepared) + 1
    wraps = wraps + 1
  end
  return r
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "status_errors": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
