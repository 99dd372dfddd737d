-- wrk script: a mixed load over the whole API.  USERS is a space-separated
-- list of existing user ids (from the environment).  Each request picks the
-- next kind in turn: reads, the aggregated view, task creates, updates.
local users = {}
for id in string.gmatch(os.getenv("USERS") or "", "%S+") do
  users[#users + 1] = id
end
local n = 0
local json = { ["Content-Type"] = "application/json" }

request = function()
  n = n + 1
  local u = users[(n % #users) + 1]
  local kind = n % 6
  if kind == 0 then
    return wrk.format("GET", "/users/" .. u)
  elseif kind == 1 then
    return wrk.format("GET", "/users/" .. u .. "/tasks?limit=20")
  elseif kind == 2 then
    return wrk.format("POST", "/tasks", json,
      '{"userId":"' .. u .. '","title":"load ' .. n .. '"}')
  elseif kind == 3 then
    return wrk.format("GET", "/tasks?userId=" .. u .. "&limit=20")
  elseif kind == 4 then
    return wrk.format("PATCH", "/users/" .. u, json, '{"name":"User ' .. n .. '"}')
  else
    return wrk.format("GET", "/tasks?userId=" .. u .. "&status=pending&limit=5")
  end
end

done = function(summary, latency, requests)
  -- errors.status counts answers outside 2xx/3xx (a response() callback
  -- would run in the threads' Lua states, not this one).
  local bad = summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests %d non2xx %d\n", summary.requests, bad))
end
