import { DomainError } from '@visage/core';

/**
 * Counters behind every request limit (API keys' rate and concurrency, sign-in, password-reset and registration
 * throttles, the capture page). One process keeps them in memory (SQLite: the server runs alone on its data
 * directory); several processes share them in PostgreSQL, or in Redis when REDIS_URL is set (docs/operations.md,
 * "Where shared state lives").
 */
export interface LimitStore {
  /** Takes one token from `key`'s bucket (refilled continuously at `ratePerSecond`, holding at most `burst`). */
  take(key: string, ratePerSecond: number, burst: number): Promise<TakeResult>;
  /**
   * Takes up to `count` tokens from `key`'s bucket at once (as many as it holds whole, at most `count`): the
   * process-local batches of token-batches.ts spend them without asking again.
   */
  takeUpTo(key: string, ratePerSecond: number, burst: number, count: number): Promise<TakeUpToResult>;
  /** Holds one of `limit` slots of `key`, for `leaseMs` at most; the handle to release it, or undefined if full. */
  acquireSlot(key: string, limit: number, leaseMs: number): Promise<string | undefined>;
  releaseSlot(key: string, handle: string): Promise<void>;
  /** Counts one request under every key in a rolling window, or none when one key is at its limit. */
  hit(keys: readonly { key: string; limit: number }[], windowMs: number): Promise<HitResult>;
  /** Takes back the request `id` counted under these keys. */
  forget(keys: readonly string[], id: string): Promise<void>;
  /** Forgets every request counted under `key`. */
  clear(key: string): Promise<void>;
  /** Drops what no limit needs any more (hits older than `maxWindowMs`, expired slots, full buckets). */
  sweep(maxWindowMs: number): Promise<number>;
  /** Where the counters live, for logs and /readyz: 'memory', 'postgres' or 'redis'. */
  readonly kind: 'memory' | 'postgres' | 'redis';
  close(): Promise<void>;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };
export type TakeUpToResult = { ok: true; taken: number } | { ok: false; retryAfterSeconds: number };
export type HitResult = { ok: true; id: string } | { ok: false; retryAfterSeconds: number };

/** The longest rolling window any limit uses (registrations: one hour); the sweeper keeps hits this long. */
export const longestWindowMs = 3600_000;

/** In this process's memory: for one server process (SQLite) and for unit tests with a fake clock. */
export function createMemoryLimitStore(now: () => number = () => performance.now()): LimitStore {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const slots = new Map<string, Map<string, number>>();
  const hits = new Map<string, { id: string; at: number }[]>();
  let nextId = 0;

  const recent = (key: string, windowMs: number) => {
    const since = now() - windowMs;
    const list = (hits.get(key) ?? []).filter((h) => h.at > since);
    if (list.length === 0) hits.delete(key);
    else hits.set(key, list);
    return list;
  };

  const takeUpTo = (key: string, ratePerSecond: number, burst: number, count: number): TakeUpToResult => {
    const t = now();
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: burst, at: t };
      buckets.set(key, bucket);
      // Keys never used again would stay for ever: past this many, full buckets are dropped.
      if (buckets.size > 10_000) {
        for (const [k, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * ratePerSecond >= burst) buckets.delete(k);
        buckets.set(key, bucket);
      }
    }
    bucket.tokens = Math.min(burst, bucket.tokens + (Math.max(0, t - bucket.at) / 1000) * ratePerSecond);
    bucket.at = t;
    if (bucket.tokens < 1) {
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerSecond)) };
    }
    const taken = Math.min(Math.max(1, Math.floor(count)), Math.floor(bucket.tokens));
    bucket.tokens -= taken;
    return { ok: true, taken };
  };

  return {
    kind: 'memory',
    async take(key, ratePerSecond, burst) {
      const result = takeUpTo(key, ratePerSecond, burst, 1);
      return result.ok ? { ok: true } : result;
    },
    async takeUpTo(key, ratePerSecond, burst, count) {
      return takeUpTo(key, ratePerSecond, burst, count);
    },
    async acquireSlot(key, limit, leaseMs) {
      const t = now();
      const held = slots.get(key) ?? new Map<string, number>();
      for (const [handle, expires] of held) if (expires <= t) held.delete(handle);
      if (held.size >= limit) return undefined;
      const handle = String(nextId++);
      held.set(handle, t + leaseMs);
      slots.set(key, held);
      return handle;
    },
    async releaseSlot(key, handle) {
      const held = slots.get(key);
      held?.delete(handle);
      if (held?.size === 0) slots.delete(key);
    },
    async hit(keys, windowMs) {
      for (const { key, limit } of keys) {
        const list = recent(key, windowMs);
        if (list.length >= limit) {
          const retryAfter = Math.ceil((list[list.length - limit]!.at + windowMs - now()) / 1000);
          return { ok: false, retryAfterSeconds: Math.max(1, retryAfter) };
        }
      }
      if (hits.size > 10_000) for (const key of [...hits.keys()]) recent(key, longestWindowMs);
      const id = String(nextId++);
      const at = now();
      for (const { key } of keys) hits.set(key, [...(hits.get(key) ?? []), { id, at }]);
      return { ok: true, id };
    },
    async forget(keys, id) {
      for (const key of keys) {
        const list = (hits.get(key) ?? []).filter((h) => h.id !== id);
        if (list.length === 0) hits.delete(key);
        else hits.set(key, list);
      }
    },
    async clear(key) {
      hits.delete(key);
    },
    async sweep(maxWindowMs) {
      let dropped = 0;
      for (const key of [...hits.keys()]) {
        const before = hits.get(key)!.length;
        dropped += before - recent(key, maxWindowMs).length;
      }
      return dropped;
    },
    async close() {},
  };
}

/**
 * A store that cannot answer (PostgreSQL or Redis down) refuses the request with 503 'service.unavailable' and
 * Retry-After, rather than failing with a 500 or letting it through unlimited. `onError` logs the cause.
 */
export function failClosed(store: LimitStore, onError: (error: unknown) => void = () => {}): LimitStore {
  const guard =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await operation(...args);
      } catch (error) {
        onError(error);
        throw new DomainError('service.unavailable', { retry_after_seconds: 1 });
      }
    };
  return {
    kind: store.kind,
    take: guard(store.take.bind(store)),
    takeUpTo: guard(store.takeUpTo.bind(store)),
    acquireSlot: guard(store.acquireSlot.bind(store)),
    // Releasing a slot that cannot be released: its lease ends it.
    releaseSlot: (key, handle) => store.releaseSlot(key, handle).catch(onError),
    hit: guard(store.hit.bind(store)),
    forget: (keys, id) => store.forget(keys, id).catch(onError),
    clear: (key) => store.clear(key).catch(onError),
    sweep: (maxWindowMs) => store.sweep(maxWindowMs),
    close: () => store.close(),
  };
}
