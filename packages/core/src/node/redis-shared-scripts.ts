// Lua scripts of the Redis shared state. Each runs atomically and reads Redis's own clock (TIME),
// so replicas with skewed clocks agree. Redis 7 replicates a script by its effects, which is what
// makes TIME usable before writes. Floats travel as strings: Redis truncates Lua numbers it returns.

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function num(x) return string.format('%.17g', x) end`;

/** Buckets are hashes {l: level in token-ms, t: ms}; an absent bucket is full. */
const REFILL = `local function level_of(key, cap, period)
  local full = cap * period
  local v = redis.call('HMGET', key, 'l', 't')
  local level, at = tonumber(v[1]), tonumber(v[2])
  if level == nil then return full end
  if now > at then level = math.min(full, level + (now - at) * cap) end
  return level
end`;

/** KEYS: buckets; ARGV: capacity, periodMs, cost per bucket. → {taken 0/1, waitMs, blockedBy}. */
export const TAKE_TOKENS = `${NOW}
${REFILL}
local levels, worst, blocked = {}, 0, 0
for i = 1, #KEYS do
  local cap, period, cost = tonumber(ARGV[i*3-2]), tonumber(ARGV[i*3-1]), tonumber(ARGV[i*3])
  levels[i] = level_of(KEYS[i], cap, period)
  local short = cost * period - levels[i]
  if short > 0 then
    local w = math.ceil(short / cap)
    if w > worst then worst, blocked = w, i - 1 end
  end
end
if worst > 0 then return {0, worst, blocked} end
for i = 1, #KEYS do
  local period, cost = tonumber(ARGV[i*3-1]), tonumber(ARGV[i*3])
  redis.call('HSET', KEYS[i], 'l', num(levels[i] - cost * period), 't', now)
  redis.call('PEXPIRE', KEYS[i], math.ceil(period * 2))
end
return {1, 0, 0}`;

/** KEYS: one bucket; ARGV: capacity, periodMs, cost (negative refunds, up to full). */
export const ADJUST_TOKENS = `${NOW}
${REFILL}
local cap, period, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local level = math.min(cap * period, level_of(KEYS[1], cap, period) - cost * period)
redis.call('HSET', KEYS[1], 'l', num(level), 't', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(period * 2))
return 1`;

/**
 * Counters are hashes {w: window number, v: total}. KEYS: counter; ARGV: windowMs, delta, limit
 * ('' for none), window ('' for the current one). → {ok 0/1, total as string, window}.
 */
export const ADD_TO_COUNTER = `${NOW}
local windowMs, delta = tonumber(ARGV[1]), tonumber(ARGV[2])
local win = 0
if windowMs > 0 then win = math.floor(now / windowMs) end
local v = redis.call('HMGET', KEYS[1], 'w', 'v')
local total = 0
if tonumber(v[1]) == win then total = tonumber(v[2]) or 0 end
if ARGV[4] ~= '' and tonumber(ARGV[4]) ~= win then return {1, num(total), win} end
if ARGV[3] ~= '' and delta > 0 and total + delta > tonumber(ARGV[3]) then return {0, num(total), win} end
total = total + delta
redis.call('HSET', KEYS[1], 'w', win, 'v', num(total))
if windowMs > 0 then redis.call('PEXPIREAT', KEYS[1], (win + 2) * windowMs) end
return {1, num(total), win}`;

/**
 * Leases are a sorted set of id → expiry (store ms). KEYS: semaphore; ARGV: max, leaseMs, id.
 * → {1, expiresAt} or {0, held, retryInMs}.
 */
export const ACQUIRE_LEASE = `${NOW}
local max, lease = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = redis.call('ZCARD', KEYS[1])
if held < max then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[3])
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIREAT', KEYS[1], math.ceil(tonumber(last[2])) + 1)
  return {1, now + lease}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, held, math.max(1, math.ceil(tonumber(first[2]) - now))}`;

/** KEYS: semaphore; ARGV: leaseMs, id. → 1 when renewed, 0 when the lease is gone. */
export const RENEW_LEASE = `${NOW}
local score = redis.call('ZSCORE', KEYS[1], ARGV[2])
if not score or tonumber(score) <= now then return 0 end
local lease = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], 'XX', now + lease, ARGV[2])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[1], math.ceil(tonumber(last[2])) + 1)
return 1`;

/** Records are hashes {v: value, n: version}. KEYS: record. → {value or false, version, now}. */
export const READ_RECORD = `${NOW}
local v = redis.call('HMGET', KEYS[1], 'v', 'n')
return {v[1], tonumber(v[2]) or 0, now}`;

/** KEYS: record; ARGV: expected version, value, ttlMs (0: none). → 1 when written. */
export const WRITE_RECORD = `local n = tonumber(redis.call('HGET', KEYS[1], 'n')) or 0
if n ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'n', n + 1)
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
return 1`;
