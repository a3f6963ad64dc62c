import type { LimitStore } from './limit-store.js';

export interface SlotReuseOptions {
  /** Milliseconds on a monotonic clock. */
  readonly now?: () => number;
  /** A slot taken for reuse serves requests that start within this many milliseconds of taking it (default 1000). */
  readonly reuseMs?: number;
  /** A slot nobody here uses for this many milliseconds goes back to the shared store (default 100). */
  readonly idleMs?: number;
  /** This process keeps at most this share of a key's limit unused (default 1/20). */
  readonly limitShare?: number;
}

interface Held {
  readonly handle: string;
  /** Requests may start on this slot until then (local clock); its lease in the store outlasts them. */
  readonly reusableUntil: number;
  /** How many unused slots of this key the process may keep. */
  readonly spare: number;
  idleSince: number;
}

interface Pool {
  /** Requests of this key in flight in this process. */
  inFlight: number;
  /** Reusable slots held by requests in flight, by handle. */
  readonly busy: Map<string, Held>;
  /** Reusable slots held in the store that no request uses now, the last given back last. */
  idle: Held[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Concurrency slots reused within a process (docs/operations.md, "Where shared state lives"). While a key has
 * another request in flight here, its next slot is taken from the store with a lease `reuseMs` longer than the
 * request lease; when the request ends, the slot stays here for the key's next request instead of going back, so a
 * busy key costs two statements per slot rather than two per request. Slots a request may start on are at most
 * `reuseMs` old, so every request ends within its lease: a process killed mid-request still leaks nothing (its slots
 * expire at most `reuseMs` later than before).
 *
 * Held but unused, a slot keeps another process from it; this process keeps at most `limitShare` of the limit
 * (1/20) unused, and each for at most `idleMs`. A key with no other request in flight here, and every key whose
 * limit is under 20, takes and gives back a slot per request exactly as the store alone.
 */
export function withSlotReuse(store: LimitStore, options: SlotReuseOptions = {}): LimitStore {
  const now = options.now ?? (() => performance.now());
  const reuseMs = options.reuseMs ?? 1000;
  const idleMs = options.idleMs ?? 100;
  const limitShare = options.limitShare ?? 1 / 20;
  const pools = new Map<string, Pool>();

  const poolOf = (key: string): Pool => {
    let pool = pools.get(key);
    if (pool === undefined) {
      pool = { inFlight: 0, busy: new Map(), idle: [], timer: undefined };
      pools.set(key, pool);
    }
    return pool;
  };

  const forget = (key: string, pool: Pool) => {
    if (pool.inFlight === 0 && pool.idle.length === 0 && pool.timer === undefined) pools.delete(key);
  };

  /** Gives back the idle slots that can no longer start a request, or that nobody took for `idleMs`. */
  const sweep = (key: string, pool: Pool, t: number) => {
    if (pool.idle.every((held) => t < held.reusableUntil && t - held.idleSince < idleMs)) return;
    const keep: Held[] = [];
    for (const held of pool.idle) {
      if (t < held.reusableUntil && t - held.idleSince < idleMs) keep.push(held);
      else void store.releaseSlot(key, held.handle);
    }
    pool.idle = keep;
  };

  /** While slots sit idle, a timer gives them back when they are due even if no request of the key comes. */
  const arm = (key: string, pool: Pool) => {
    if (pool.timer !== undefined || pool.idle.length === 0) return;
    let next = Infinity;
    for (const held of pool.idle) next = Math.min(next, held.reusableUntil, held.idleSince + idleMs);
    pool.timer = setTimeout(
      () => {
        pool.timer = undefined;
        sweep(key, pool, now());
        arm(key, pool);
        forget(key, pool);
      },
      Math.max(1, next - now()),
    );
    pool.timer.unref?.();
  };

  return {
    ...store,
    async acquireSlot(key, limit, leaseMs) {
      const spare = Math.floor(limit * limitShare);
      if (spare < 1) return store.acquireSlot(key, limit, leaseMs);
      const pool = poolOf(key);
      sweep(key, pool, now());
      const reused = pool.idle.pop();
      if (reused !== undefined) {
        pool.inFlight++;
        pool.busy.set(reused.handle, reused);
        return reused.handle;
      }
      // Alone here: an ordinary slot, given back when the request ends.
      const reusable = pool.inFlight > 0;
      const takenAt = now();
      pool.inFlight++;
      let handle: string | undefined;
      try {
        handle = await store.acquireSlot(key, limit, reusable ? leaseMs + reuseMs : leaseMs);
      } finally {
        if (handle === undefined) {
          pool.inFlight--;
          forget(key, pool);
        }
      }
      if (handle !== undefined && reusable) {
        pool.busy.set(handle, { handle, reusableUntil: takenAt + reuseMs, spare, idleSince: 0 });
      }
      return handle;
    },
    async releaseSlot(key, handle) {
      const pool = pools.get(key);
      if (pool === undefined) return store.releaseSlot(key, handle);
      pool.inFlight = Math.max(0, pool.inFlight - 1);
      const held = pool.busy.get(handle);
      pool.busy.delete(handle);
      const t = now();
      // Kept for the key's next request while it can still start one and this process holds few unused.
      if (held !== undefined && t < held.reusableUntil && pool.idle.length < held.spare) {
        held.idleSince = t;
        pool.idle.push(held);
        arm(key, pool);
        return;
      }
      forget(key, pool);
      return store.releaseSlot(key, handle);
    },
    async close() {
      for (const [key, pool] of pools) {
        if (pool.timer !== undefined) clearTimeout(pool.timer);
        await Promise.all(pool.idle.map((held) => store.releaseSlot(key, held.handle)));
      }
      pools.clear();
      await store.close();
    },
  };
}
