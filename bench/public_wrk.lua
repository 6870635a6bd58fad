-- wrk script of bench/public.py: GET a random path of the file named by the first argument (one path a
-- line, optional "header: value" lines after a "--" line), then print one JSON line with the figures.
local paths = {}
local headers = {}

function init(args)
  local after = false
  for line in io.lines(args[1]) do
    if line == "--" then
      after = true
    elseif after then
      local name, value = line:match("^([^:]+):%s*(.*)$")
      headers[name] = value
    elseif line ~= "" then
      paths[#paths + 1] = line
    end
  end
  math.randomseed(os.time() + #paths)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "bytes": %d, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "errors": %d, "non_2xx_3xx": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
