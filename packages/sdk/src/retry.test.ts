import { describe, expect, it } from 'vitest';
import { defaultBackoff, parseRetryAfter, retryDelayMs } from './retry.js';

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
  });
});

describe('retry delays', () => {
  it('wait for Retry-After plus at most 10 % jitter, and refuse one above the policy’s maximum', () => {
    expect(retryDelayMs(1, 2000, defaultBackoff, () => 0)).toBe(2000);
    expect(retryDelayMs(1, 2000, defaultBackoff, () => 0.999)).toBe(2200);
    expect(retryDelayMs(1, 60_000, defaultBackoff, () => 0)).toBe(60_000);
    expect(retryDelayMs(1, 60_001, defaultBackoff, () => 0)).toBeUndefined();
  });

  it('back off exponentially with full jitter, capped', () => {
    const top = (retry: number) => retryDelayMs(retry, undefined, defaultBackoff, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(retryDelayMs(3, undefined, defaultBackoff, () => 0)).toBe(0);
    const samples = Array.from({ length: 200 }, () => retryDelayMs(2, undefined)!);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThanOrEqual(1000);
    // Jitter: the waits are spread out, not one value.
    expect(new Set(samples).size).toBeGreaterThan(50);
  });
});
