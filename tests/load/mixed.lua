-- wrk script: a mixed load over the whole API.  USERS is a space-separated
-- list of existing users (from the environment), each "id" or "id=token":
-- a request on a user's data carries that user's token.  Each request
-- picks the next kind in turn: reads, the aggregated view, task creates,
-- updates.
local users, tokens = {}, {}
for item in string.gmatch(os.getenv("USERS") or "", "%S+") do
  local id, tok = item:match("^([^=]+)=?(.*)$")
  users[#users + 1] = id
  tokens[#tokens + 1] = tok ~= "" and tok or nil
end
local n = 0
local json

request = function()
  n = n + 1
  local i = (n % #users) + 1
  local u = users[i]
  local auth = tokens[i] and { Authorization = "Bearer " .. tokens[i] } or {}
  json = { ["Content-Type"] = "application/json", Authorization = auth.Authorization }
  local kind = n % 6
  if kind == 0 then
    return wrk.format("GET", "/users/" .. u, auth)
  elseif kind == 1 then
    return wrk.format("GET", "/users/" .. u .. "/tasks?limit=20", auth)
  elseif kind == 2 then
    return wrk.format("POST", "/tasks", json,
      '{"userId":"' .. u .. '","title":"load ' .. n .. '"}')
  elseif kind == 3 then
    return wrk.format("GET", "/tasks?userId=" .. u .. "&limit=20", auth)
  elseif kind == 4 then
    return wrk.format("PATCH", "/users/" .. u, json, '{"name":"User ' .. n .. '"}')
  else
    return wrk.format("GET", "/tasks?userId=" .. u .. "&status=pending&limit=5", auth)
  end
end

done = function(summary, latency, requests)
  -- errors.status counts answers outside 2xx/3xx (a response() callback
  -- would run in the threads' Lua states, not this one).
  local bad = summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests %d non2xx %d\n", summary.requests, bad))
end
