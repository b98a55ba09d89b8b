-- The bare endpoint: wrk's own request (GET of the URL given), reported like the others.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local report = dofile(here .. "report.lua")

function done(summary, latency, _requests)
  report.done(summary, latency)
end
