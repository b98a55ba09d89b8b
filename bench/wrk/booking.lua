-- POST /appointments with free slots computed beforehand: one JSON body per line of a file.
-- Thread i of n sends lines i, i + n, i + 2n, ... so no two requests ask for the same slot;
-- a thread that runs out starts its lines again, and those repeats (409s) are counted.
-- Arguments after "--": the file and the number of wrk threads.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")
local HEADERS = report.headers({ ["Content-Type"] = "application/json" })
local threads = {}
local bodies, sent = {}, 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path, count = args[1], tonumber(args[2])
  local line_number = 0
  for line in io.lines(path) do
    if line_number % count == id then
      table.insert(bodies, line)
    end
    line_number = line_number + 1
  end
  reused = 0
end

function request()
  sent = sent + 1
  if sent > #bodies then
    reused = reused + 1
  end
  return wrk.format("POST", "/appointments", HEADERS, bodies[(sent - 1) % #bodies + 1])
end

function done(summary, latency, _requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("reused")
  end
  report.done(summary, latency, total)
end
