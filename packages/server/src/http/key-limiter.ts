import { DomainError } from '@visage/core';
import { createMemoryLimitStore, type LimitStore } from '../limits/limit-store.js';

export interface KeyLimits {
  readonly ratePerSecond: number;
  readonly sandboxRatePerSecond: number;
  readonly concurrency: number;
  /**
   * How long a concurrency slot is held at most: a process killed mid-request gives its slots back when this
   * passes. Longer than any request may run (default 120 s).
   */
  readonly slotLeaseMs?: number;
}

/**
 * Per-key request rate (a token bucket refilled continuously, burst = one second's worth) and requests in flight,
 * counted in `store`: this process's memory by default, PostgreSQL or Redis when several processes share the keys
 * (docs/operations.md, "Where shared state lives").
 */
export function createKeyLimiter(limits: KeyLimits, store: LimitStore = createMemoryLimitStore()) {
  const leaseMs = limits.slotLeaseMs ?? 120_000;
  return {
    /** Takes one token and one slot, or throws; the returned function gives the slot back (call it once). */
    async acquire(keyId: string, sandbox: boolean): Promise<() => void> {
      const rate = sandbox ? limits.sandboxRatePerSecond : limits.ratePerSecond;
      const taken = await store.take(`rate:${keyId}`, rate, rate);
      if (!taken.ok) {
        throw new DomainError('key.rate_limited', {
          limit_per_second: rate,
          retry_after_seconds: taken.retryAfterSeconds,
        });
      }
      const slotKey = `running:${keyId}`;
      const slot = await store.acquireSlot(slotKey, limits.concurrency, leaseMs);
      if (slot === undefined) {
        throw new DomainError('key.concurrency_limited', { limit: limits.concurrency, retry_after_seconds: 1 });
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        void store.releaseSlot(slotKey, slot);
      };
    },
  };
}

export type KeyLimiter = ReturnType<typeof createKeyLimiter>;
