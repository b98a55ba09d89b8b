-- GET /availabilities for one week (duration=30, limit=100): the whole roster, or `named`
-- distinct random providers given by provider_id. A random future week, as availability.lua.
-- Arguments after "--": provider count, the first week's Monday (Unix time, UTC), the number
-- of weeks to choose from, a seed, and how many providers to name (0: none, the whole roster).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")
local WEEK = 7 * 24 * 3600
local threads = {}
local providers, first_week, weeks, named

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  providers, first_week, weeks = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
  named = tonumber(args[5])
  math.randomseed(tonumber(args[4]) * 1000 + id)
end

local function stamp(seconds)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", seconds)
end

local function some_providers()
  local chosen, parts = {}, {}
  while #parts < named do
    local provider = math.random(providers)
    if not chosen[provider] then
      chosen[provider] = true
      table.insert(parts, "&provider_id=" .. provider)
    end
  end
  return table.concat(parts)
end

function request()
  local from = first_week + WEEK * math.random(0, weeks - 1)
  local path = string.format("/availabilities?from=%s&to=%s&duration=30&limit=100%s",
    stamp(from), stamp(from + WEEK), some_providers())
  return wrk.format("GET", path)
end

function done(summary, latency, _requests)
  report.done(summary, latency)
end
