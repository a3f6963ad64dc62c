import { DomainError } from '@visage/core';

export interface KeyLimits {
  readonly ratePerSecond: number;
  readonly sandboxRatePerSecond: number;
  readonly concurrency: number;
}

/**
 * Per-key request rate (a token bucket refilled continuously, burst = one second's worth) and requests in flight.
 * In-process state: one server process enforces its own share; shared limits across processes are issue 8's.
 */
export function createKeyLimiter(limits: KeyLimits, now: () => number = () => performance.now()) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const inFlight = new Map<string, number>();

  return {
    /** Takes one token and one slot, or throws; the returned function gives the slot back (call it once). */
    acquire(keyId: string, sandbox: boolean): () => void {
      const rate = sandbox ? limits.sandboxRatePerSecond : limits.ratePerSecond;
      const t = now();
      const bucket = buckets.get(keyId) ?? { tokens: rate, at: t };
      bucket.tokens = Math.min(rate, bucket.tokens + ((t - bucket.at) / 1000) * rate);
      bucket.at = t;
      buckets.set(keyId, bucket);
      if (bucket.tokens < 1) {
        throw new DomainError('key.rate_limited', {
          limit_per_second: rate,
          retry_after_seconds: Math.max(1, Math.ceil((1 - bucket.tokens) / rate)),
        });
      }
      const running = inFlight.get(keyId) ?? 0;
      if (running >= limits.concurrency) {
        throw new DomainError('key.concurrency_limited', { limit: limits.concurrency, retry_after_seconds: 1 });
      }
      bucket.tokens -= 1;
      inFlight.set(keyId, running + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (inFlight.get(keyId) ?? 1) - 1;
        if (left > 0) inFlight.set(keyId, left);
        else inFlight.delete(keyId);
      };
    },
  };
}

export type KeyLimiter = ReturnType<typeof createKeyLimiter>;
