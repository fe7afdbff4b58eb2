//! The Lua scripts that change the two keys, each atomically and on Redis' own clock.

/// The scripts, each run by its digest (and loaded again when Redis answers NOSCRIPT, e.g.
/// after a restart).
pub(super) struct Scripts {
    pub(super) acquire: redis::Script,
    pub(super) renew: redis::Script,
    pub(super) release: redis::Script,
    pub(super) pace: redis::Script,
}

pub(super) fn scripts() -> &'static Scripts {
    static SCRIPTS: std::sync::OnceLock<Scripts> = std::sync::OnceLock::new();
    SCRIPTS.get_or_init(|| Scripts {
        acquire: redis::Script::new(ACQUIRE),
        renew: redis::Script::new(RENEW),
        release: redis::Script::new(RELEASE),
        pace: redis::Script::new(PACE),
    })
}

/// Takes a call slot. KEYS[1] the leases; ARGV: the limit, the lease (ms), the lease's id.
/// Returns 0 when taken, else the ms until the first lease expires (at least 1).
/// Numbers are written with `%.0f`: Lua's own conversion keeps 14 digits only.
const ACQUIRE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now))
local lease = tonumber(ARGV[2])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], string.format('%.0f', now + lease), ARGV[3])
  if redis.call('PTTL', KEYS[1]) < lease then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return 0
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(first[2]) - now)
";

/// Renews leases still held (never brings back one that expired and was removed).
/// KEYS[1] the leases; ARGV: the lease (ms), then the ids. Returns how many were renewed.
const RENEW: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[1])
local at = string.format('%.0f', now + lease)
local renewed = 0
for i = 2, #ARGV do
  renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'GT', 'CH', at, ARGV[i])
end
if redis.call('PTTL', KEYS[1]) < lease then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return renewed
";

/// Gives leases back. KEYS[1] the leases; ARGV: the channel, the limit, then the ids.
/// Publishes on the channel when the set was full, so that waiters ask again.
const RELEASE: &str = r"
local before = redis.call('ZCARD', KEYS[1])
local removed = redis.call('ZREM', KEYS[1], unpack(ARGV, 3))
if removed > 0 and before >= tonumber(ARGV[2]) then
  redis.call('PUBLISH', ARGV[1], removed)
end
return removed
";

/// A read's turn in the shared GCRA bucket. KEYS[1] the theoretical arrival time (µs);
/// ARGV: the interval and the tolerance (µs). Returns 0 when the turn is taken (and booked),
/// else the µs to wait before asking again (nothing booked).
const PACE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
if tat < now then tat = now end
local early = tat - tonumber(ARGV[2]) - now
if early > 0 then
  return early
end
local booked = tat + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', booked), 'PX',
  string.format('%.0f', math.ceil((booked - now) / 1000) + 1000))
return 0
";
