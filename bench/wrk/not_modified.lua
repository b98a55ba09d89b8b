-- GET /providers/{id}/availabilities with If-None-Match: the current tag of that answer,
-- so each request should be a 304. Lines of the file are "path tag" (bench/tags.py); thread
-- i of n cycles through lines i, i + n, ... Answers other than 304 are counted as misses.
-- Arguments after "--": the file and the number of wrk threads.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")
local threads = {}
local requests, sent = {}, 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path, count = args[1], tonumber(args[2])
  local line_number = 0
  for line in io.lines(path) do
    if line_number % count == id then
      local target, tag = line:match("^(%S+) (.+)$")
      table.insert(requests, wrk.format("GET", target, report.headers({ ["If-None-Match"] = tag })))
    end
    line_number = line_number + 1
  end
  misses = 0
end

function request()
  sent = sent + 1
  return requests[(sent - 1) % #requests + 1]
end

function response(status, _headers, _body)
  if status ~= 304 then
    misses = misses + 1
  end
end

function done(summary, latency, _requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("misses")
  end
  report.done(summary, latency, 0, total)
end
