-- wrk script of `make bench`.  SCENARIO names what each request does;
-- USERS_FILE and TASKS_FILE hold the seeded ids, one a line; SINK_FILE the
-- users that creates go to, so the seeded users keep their 20 tasks and the
-- read scenarios measure the same lists in every round.  done() prints
-- one line the bench script parses:
--   result requests=N non2xx=N seconds=S p50_us=N p99_us=N max_us=N
-- Each line of those files is an id and the token of its user ("-" for
-- none): a request goes with the token of the user whose data it names,
-- as that user's client would send it.  A scenario named NAME_off is NAME
-- sent without credentials (to the stack with AUTH=off).
local scenario = os.getenv("SCENARIO") or "get_user"
local with_auth = true
if scenario:sub(-4) == "_off" then
  scenario = scenario:sub(1, -5)
  with_auth = false
end

local function lines(path)
  local t = {}
  if path then
    for l in io.lines(path) do
      local id, tok = l:match("^(%S+)%s*(%S*)$")
      if tok == "" or tok == "-" or not with_auth then tok = nil end
      t[#t + 1] = { id = id, tok = tok }
    end
  end
  return t
end

local users, tasks, sinks
local n = 0
local json = { ["Content-Type"] = "application/json" }
local statuses = { "pending", "in-progress", "completed" }

init = function(args)
  users = lines(os.getenv("USERS_FILE"))
  tasks = lines(os.getenv("TASKS_FILE"))
  sinks = lines(os.getenv("SINK_FILE"))
end

local function pick(t) return t[(n % #t) + 1] end

-- The headers of a request on row (a picked line), with a JSON body or not.
local function hdrs(row, body)
  local h = {}
  if body then h["Content-Type"] = "application/json" end
  if row.tok then h["Authorization"] = "Bearer " .. row.tok end
  return h
end

local builders = {
  c1 = function() return wrk.format("GET", "/c1") end,
  c2 = function() return wrk.format("GET", "/c2") end,
  c3 = function() return wrk.format("GET", "/c3") end,
  c3d = function() return wrk.format("GET", "/c3d") end,
  c3p = function() return wrk.format("GET", "/c3p") end,
  c4r = function() return wrk.format("GET", "/c4r") end,
  c4w = function()
    return wrk.format("POST", "/c4w", json,
      '{"userId":"' .. pick(sinks).id .. '","title":"bench ' .. n .. '"}')
  end,
  get_user = function()
    local u = pick(users)
    return wrk.format("GET", "/users/" .. u.id, hdrs(u))
  end,
  get_task = function()
    local t = pick(tasks)
    return wrk.format("GET", "/tasks/" .. t.id, hdrs(t))
  end,
  list_tasks = function()
    local u = pick(users)
    return wrk.format("GET", "/tasks?userId=" .. u.id, hdrs(u))
  end,
  aggregate = function()
    local u = pick(users)
    return wrk.format("GET", "/users/" .. u.id .. "/tasks", hdrs(u))
  end,
  create_task = function()
    local u = pick(sinks)
    return wrk.format("POST", "/tasks", hdrs(u, true),
      '{"userId":"' .. u.id .. '","title":"bench ' .. n .. '"}')
  end,
  update_task = function()
    local t = pick(tasks)
    return wrk.format("PATCH", "/tasks/" .. t.id, hdrs(t, true),
      '{"status":"' .. statuses[(n % 3) + 1] .. '"}')
  end,
}

-- The mixed load: 40% reads, 20% aggregate, 20% updates, 20% creates.
local mix = { "get_user", "get_task", "aggregate", "update_task", "create_task",
              "list_tasks", "get_user", "aggregate", "update_task", "create_task" }
builders.mixed = function()
  return builders[mix[(n % #mix) + 1]]()
end

request = function()
  n = n + 1
  return builders[scenario]()
end

done = function(summary, latency, requests)
  -- errors.status counts answers outside 2xx/3xx (wrk's own count: a
  -- response() callback runs in the threads' Lua states, not this one).
  local bad = summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "result requests=%d non2xx=%d seconds=%.3f p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, bad, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(99), latency.max))
end
