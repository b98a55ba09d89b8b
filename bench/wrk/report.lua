-- Shared by the wrk scripts in this folder: wrk's figures as one JSON line, which
-- bench/load.py reads. Latencies are in microseconds; non_2xx counts statuses >= 400;
-- misses counts answers other than the one a script expects (not_modified.lua: a 304).
local report = {}

local FORMAT = 'BENCH {"requests": %d, "seconds": %.6f, "p50_us": %d, "p90_us": %d, '
  .. '"p99_us": %d, "max_us": %d, "mean_us": %.1f, "non_2xx": %d, "connect_errors": %d, '
  .. '"read_errors": %d, "write_errors": %d, "timeouts": %d, "reused_slots": %d, '
  .. '"misses": %d}\n'

-- wrk.format takes the headers given instead of wrk's own (-H, the API key): keep both.
function report.headers(extra)
  local all = {}
  for name, value in pairs(wrk.headers) do all[name] = value end
  for name, value in pairs(extra) do all[name] = value end
  return all
end

function report.done(summary, latency, reused_slots, misses)
  local errors = summary.errors
  io.write(string.format(FORMAT, summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, errors.status, errors.connect, errors.read, errors.write, errors.timeout,
    reused_slots or 0, misses or 0))
end

return report
