import type { LimitStore, TakeResult, TakeUpToResult } from './limit-store.js';

export interface TokenBatchOptions {
  /** Milliseconds on a monotonic clock (a fake one in tests). */
  readonly now?: () => number;
  /** This process's demand for a key is counted over windows of this many milliseconds (default 100). */
  readonly demandWindowMs?: number;
  /** Tokens taken in a batch and not spent within this many milliseconds are dropped (default 200). */
  readonly horizonMs?: number;
  /** A batch holds at most this share of the bucket's burst (default 1/20): what one process can keep from others. */
  readonly burstShare?: number;
}

interface Local {
  /** Whole tokens taken from the shared bucket and not spent yet, usable until `expiresAt`. */
  tokens: number;
  expiresAt: number;
  /** Takes asked of this process for the key: in the window that began at `windowStart`, and in the one before. */
  windowStart: number;
  count: number;
  previous: number;
  /** After a batch was refused: until when takers are refused here too, and the wait they are told. */
  emptyUntil: number;
  retryAfterSeconds: number;
  /** The batch being taken from the shared store, which other takers wait for rather than asking too. */
  refill: Promise<TakeUpToResult> | undefined;
}

/**
 * Token batches in front of a shared limit store (docs/operations.md, "Where shared state lives"). A key this
 * process takes from often gets its tokens from the shared bucket several at a time, in one statement or script
 * (`takeUpTo`), and spends them here without asking again; takers that find none wait for the one batch in flight
 * instead of each asking the store. Every token spent here was taken from the shared bucket, so the cluster never
 * goes over the limit; what batching can cost is the other way round: tokens one process holds and another could
 * have used. Three bounds keep that small:
 *
 * - a batch is at most this process's takes for the key in the last window (about 100 ms of its own demand),
 * - and at most `burstShare` of the burst (1/20: a process holds at most 5 % of a second's worth),
 * - and tokens not spent within `horizonMs` are dropped, so a process whose demand stops cannot hoard them.
 *
 * When a batch finds the bucket empty, this process refuses the key's takers for the time a batch takes to come
 * back (at most one window) instead of asking the store for each of them; the tokens are not lost meanwhile, they
 * wait in the shared bucket.
 *
 * A key taken from at most once per window (any idle or low-rate key, and every key whose burst is under 40)
 * behaves exactly as without this layer: each take is one `take` of the shared store.
 */
export function withTokenBatches(store: LimitStore, options: TokenBatchOptions = {}): LimitStore {
  const now = options.now ?? (() => performance.now());
  const windowMs = options.demandWindowMs ?? 100;
  const horizonMs = options.horizonMs ?? 200;
  const burstShare = options.burstShare ?? 1 / 20;
  const locals = new Map<string, Local>();

  const localOf = (key: string, t: number): Local => {
    let local = locals.get(key);
    if (local === undefined) {
      // Keys no longer taken from would stay for ever: past this many, the quiet ones are dropped.
      if (locals.size >= 10_000) {
        for (const [k, l] of locals) {
          if (l.refill === undefined && t - l.windowStart >= 2 * windowMs && (l.tokens < 1 || l.expiresAt <= t)) {
            locals.delete(k);
          }
        }
      }
      local = {
        tokens: 0,
        expiresAt: 0,
        windowStart: t,
        count: 0,
        previous: 0,
        emptyUntil: 0,
        retryAfterSeconds: 1,
        refill: undefined,
      };
      locals.set(key, local);
    }
    return local;
  };

  const countDemand = (local: Local, t: number) => {
    const elapsed = t - local.windowStart;
    if (elapsed >= windowMs) {
      local.previous = elapsed < 2 * windowMs ? local.count : 0;
      local.count = 0;
      local.windowStart = t;
    }
    local.count += 1;
  };

  const take = async (key: string, ratePerSecond: number, burst: number): Promise<TakeResult> => {
    const local = localOf(key, now());
    countDemand(local, now());
    for (;;) {
      if (local.tokens >= 1 && now() < local.expiresAt) {
        local.tokens -= 1;
        return { ok: true };
      }
      if (local.refill !== undefined) {
        // Another taker is fetching a batch: share it, or its refusal (the bucket was empty after this one came).
        const batch = await local.refill;
        if (!batch.ok) return batch;
        continue;
      }
      const demand = Math.max(local.previous, local.count);
      const size = Math.floor(Math.min(demand, burst * burstShare));
      if (size <= 1) return store.take(key, ratePerSecond, burst);
      // The bucket was empty a moment ago: the tokens coming back meanwhile wait there for the next batch (taken by
      // whichever process asks first), rather than each refused request asking the store again.
      if (now() < local.emptyUntil) return { ok: false, retryAfterSeconds: local.retryAfterSeconds };
      local.tokens = 0;
      const refill = store.takeUpTo(key, ratePerSecond, burst, size).then((batch) => {
        if (batch.ok) {
          local.tokens = batch.taken;
          local.expiresAt = now() + horizonMs;
        } else {
          local.emptyUntil = now() + Math.min(windowMs, (size / ratePerSecond) * 1000);
          local.retryAfterSeconds = batch.retryAfterSeconds;
        }
        return batch;
      });
      local.refill = refill;
      try {
        const batch = await refill;
        if (!batch.ok) return batch;
      } finally {
        local.refill = undefined;
      }
    }
  };

  return { ...store, take };
}
