import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { HitResult, LimitStore, TakeResult, TakeUpToResult } from './limit-store.js';

// Every script reads Redis's own clock (TIME), so processes whose clocks disagree still share one bucket, and runs
// atomically: no other command interleaves between its read and its write.
const clockMs = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

// KEYS[1] bucket; ARGV rate per second, burst, most tokens to take. Returns {tokens taken, tokens left as text}.
const takeScript = `${clockMs}
local rate = tonumber(ARGV[1]) local burst = tonumber(ARGV[2]) local want = tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or burst
local at = tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local taken = math.min(want, math.floor(tokens))
if taken >= 1 then tokens = tokens - taken else taken = 0 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {taken, tostring(tokens)}`;

// KEYS[1] sorted set of slot handles scored by expiry; ARGV limit, lease ms, handle. Returns 1 when held.
const acquireScript = `${clockMs}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
-- Never shortened: leases differ (a slot kept for reuse holds a little longer), and the set lasts as long as any.
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 1`;

// KEYS sorted sets of request ids scored by time; ARGV window ms, id, then one limit per key.
// Returns {1} when counted, or {0, seconds to wait}.
const hitScript = `${clockMs}
local window = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[2 + i])
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    return {0, math.max(1, math.ceil((tonumber(oldest[2]) + window - now) / 1000))}
  end
end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, window)
end
return {1}`;

/**
 * Limits shared by every server process through Redis (REDIS_URL): a token bucket per key in a hash, concurrency
 * slots in a sorted set scored by their expiry, rolling windows in sorted sets scored by time; each operation one
 * Lua script. Keys expire by themselves, so there is nothing to sweep. A Redis that does not answer fails the
 * request (503 service.unavailable, `failClosed` in limit-store.ts), never lets it through unlimited.
 */
export async function createRedisLimitStore(
  url: string,
  options: { prefix?: string; onError?: (error: unknown) => void } = {},
): Promise<LimitStore> {
  const prefix = options.prefix ?? 'visage:limit:';
  const redis = new Redis(url, {
    lazyConnect: true,
    // A command waits at most this long for Redis: a limit check must not hang a request.
    commandTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
  });
  // Connection errors while running (Redis restarting): told once per reconnection attempt; commands fail meanwhile.
  redis.on('error', (error: unknown) => options.onError?.(error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis (REDIS_URL ${withoutPassword(url)}) does not answer: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const k = (key: string) => `${prefix}${key}`;
  const takeUpTo = async (
    key: string,
    ratePerSecond: number,
    burst: number,
    count: number,
  ): Promise<TakeUpToResult> => {
    const want = Math.max(1, Math.floor(count));
    const [taken, tokens] = (await redis.eval(takeScript, 1, k(`bucket:${key}`), ratePerSecond, burst, want)) as [
      number,
      string,
    ];
    if (taken >= 1) return { ok: true, taken };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - Number(tokens)) / ratePerSecond)) };
  };

  return {
    kind: 'redis',
    async take(key, ratePerSecond, burst): Promise<TakeResult> {
      const result = await takeUpTo(key, ratePerSecond, burst, 1);
      return result.ok ? { ok: true } : result;
    },
    takeUpTo,
    async acquireSlot(key, limit, leaseMs) {
      const handle = randomBytes(9).toString('base64url');
      const held = (await redis.eval(acquireScript, 1, k(`slots:${key}`), limit, leaseMs, handle)) as number;
      return held === 1 ? handle : undefined;
    },
    async releaseSlot(key, handle) {
      await redis.zrem(k(`slots:${key}`), handle);
    },
    async hit(keys, windowMs): Promise<HitResult> {
      const id = randomBytes(9).toString('base64url');
      const result = (await redis.eval(
        hitScript,
        keys.length,
        ...keys.map((entry) => k(`hits:${entry.key}`)),
        windowMs,
        id,
        ...keys.map((entry) => entry.limit),
      )) as [number, number?];
      return result[0] === 1 ? { ok: true, id } : { ok: false, retryAfterSeconds: Number(result[1]) };
    },
    async forget(keys, id) {
      await Promise.all(keys.map((key) => redis.zrem(k(`hits:${key}`), id)));
    },
    async clear(key) {
      await redis.del(k(`hits:${key}`));
    },
    async sweep() {
      return 0;
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
