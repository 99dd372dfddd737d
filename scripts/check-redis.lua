-- Walks the whole key space and returns every inconsistency found between
-- records and indexes (an empty list when all is well): tasks and their
-- users' sets, users and the e-mail index, tokens and their users' hashes
-- (no token of a missing user, no hash entry without its token).  Names
-- a token by its owner and id, never by its key (the key holds its hash).  For tests and
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
  elseif string.match(k, '^user:([^:]+):tokens$') then
    local owner = string.match(k, '^user:([^:]+):tokens$')
    if redis.call('EXISTS', 'user:' .. owner) == 0 then
      bad(k .. ': tokens of a user that does not exist')
    end
    local entries = redis.call('HGETALL', k)
    for i = 1, #entries, 2 do
      local rec = decode(redis.call('GET', 'token:' .. entries[i + 1]) or '')
      if not rec then
        bad(k .. ': names token ' .. entries[i] .. ', which does not exist')
      elseif rec.owner ~= owner or rec.id ~= entries[i] then
        bad(k .. ': token ' .. entries[i] .. ' is recorded as another')
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

for _, k in ipairs(redis.call('KEYS', 'token:*')) do
  local hash = string.sub(k, 7)
  local rec = decode(redis.call('GET', k))
  if not rec or type(rec.owner) ~= 'string' or type(rec.id) ~= 'string' then
    bad('a token record is malformed')
  else
    local who = 'token ' .. rec.id .. ' of user ' .. rec.owner
    if redis.call('EXISTS', 'user:' .. rec.owner) == 0 then
      bad(who .. ': its user does not exist')
    end
    if redis.call('HGET', 'user:' .. rec.owner .. ':tokens', rec.id) ~= hash then
      bad(who .. ': missing from user:' .. rec.owner .. ':tokens')
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
