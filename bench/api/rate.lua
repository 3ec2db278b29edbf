-- wrk script for bench/api/run.sh: POSTs a small JSON body at a steady pace (each connection waits
-- WRK_INTERVAL_MS after each answer, so connections x 1000 / interval is the offered rate), with a bearer token
-- and, when WRK_KEYS=1, a fresh Idempotency-Key per request. Prints one machine-readable RESULT line.
local interval = tonumber(os.getenv("WRK_INTERVAL_MS") or "20")
local token = os.getenv("WRK_TOKEN") or ""
local keys = os.getenv("WRK_KEYS") == "1"
local run = os.getenv("WRK_RUN") or tostring(os.time())
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
end

function request()
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/json" }
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  if keys then headers["Idempotency-Key"] = string.format("bench-%s-%d-%d", run, tid, counter) end
  return wrk.format("POST", nil, headers, '{"order":42,"note":"benchmark"}')
end

function delay()
  return interval
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f socket_errors=%d non2xx=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000))
end
