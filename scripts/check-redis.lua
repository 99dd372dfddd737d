-- Walks the whole key space and returns every inconsistency found between
-- records and indexes (an empty list when all is well).  For tests and
-- operators: it uses KEYS, so it blocks Redis while it runs.
local problems = {}
local function bad(msg) problems[#problems + 1] = msg end
local function decode(raw)
  local ok, rec = pcall(cjson.decode, raw)
  if ok and type(rec) == 'table' then return rec end
  return nil
end

for _, k in ipairs(redis.call('KEYS', 'task:*')) do
  local id = string.sub(k, 6)
  local rec = decode(redis.call('GET', k))
  if not rec or type(rec.userId) ~= 'string' then
    bad(k .. ': malformed record')
  else
    if redis.call('EXISTS', 'user:' .. rec.userId) == 0 then
      bad(k .. ': its user ' .. rec.userId .. ' does not exist')
    end
    if redis.call('SISMEMBER', 'user:' .. rec.userId .. ':tasks', id) == 0 then
      bad(k .. ': missing from user:' .. rec.userId .. ':tasks')
    end
  end
end

for _, k in ipairs(redis.call('KEYS', 'user:*')) do
  local uid = string.match(k, '^user:([^:]+):tasks$')
  if uid then
    if redis.call('EXISTS', 'user:' .. uid) == 0 then
      bad(k .. ': index of a user that does not exist')
    end
    for _, tid in ipairs(redis.call('SMEMBERS', k)) do
      local rec = decode(redis.call('GET', 'task:' .. tid) or '')
      if not rec then
        bad(k .. ': names task ' .. tid .. ', which does not exist')
      elseif rec.userId ~= uid then
        bad(k .. ': names task ' .. tid .. ' of another user')
      end
    end
  elseif string.match(k, '^user:[^:]+$') then
    local rec = decode(redis.call('GET', k))
    if not rec or type(rec.email) ~= 'string' then
      bad(k .. ': malformed record')
    elseif redis.call('HGET', 'users:by_email', string.lower(rec.email)) ~=
        string.sub(k, 6) then
      bad(k .. ': its email is not indexed to it')
    end
  end
end

local emails = redis.call('HGETALL', 'users:by_email')
for i = 1, #emails, 2 do
  local rec = decode(redis.call('GET', 'user:' .. emails[i + 1]) or '')
  if not rec then
    bad('users:by_email ' .. emails[i] .. ': names a user that does not exist')
  elseif string.lower(rec.email) ~= emails[i] then
    bad('users:by_email ' .. emails[i] .. ': the user now has ' .. rec.email)
  end
end
return problems
