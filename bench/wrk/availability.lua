-- GET /providers/{id}/availabilities for one week: a random provider, a random future week.
-- Arguments after "--": provider count, the first week's Monday (Unix time, UTC), the number
-- of weeks to choose from, and a seed.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")
local WEEK = 7 * 24 * 3600
local threads = {}
local providers, first_week, weeks

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  providers, first_week, weeks = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  math.randomseed(tonumber(args[4]) * 1000 + id)
end

local function stamp(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", seconds)
end

function request()
  local from = first_week + WEEK * math.random(0, weeks - 1)
  local path = string.format("/providers/%d/availabilities?from=%s&to=%s",
    math.random(providers), stamp(from), stamp(from + WEEK))
  return wrk.format("GET", path)
end

function done(summary, latency, _requests)
  report.done(summary, latency)
end
