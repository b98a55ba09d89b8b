-- GET of one availability search over a range (bench/shape_loads.py): a path, where "{id}"
-- becomes a random provider, with from, to and an optional query.
-- Arguments after "--": the path, the query after from and to ("-" for none), the provider
-- count, the first start (Unix time, UTC), how many starts to choose from, the seconds between
-- two starts, the range's length in seconds, and a seed.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")
local threads = {}
local path, query, providers, first, choices, step, span

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  path, query = args[1], args[2] == "-" and "" or "&" .. args[2]
  providers, first, choices = tonumber(args[3]), tonumber(args[4]), tonumber(args[5])
  step, span = tonumber(args[6]), tonumber(args[7])
  math.randomseed(tonumber(args[8]) * 1000 + id)
end

local function stamp(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", seconds)
end

function request()
  local from = first + step * math.random(0, choices - 1)
  local where = path:gsub("{id}", tostring(math.random(providers)))
  return wrk.format("GET", string.format("%s?from=%s&to=%s%s", where, stamp(from),
    stamp(from + span), query))
end

function done(summary, latency, _requests)
  report.done(summary, latency)
end
