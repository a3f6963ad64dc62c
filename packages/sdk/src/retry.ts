/** When and how long to wait before trying a call again. Pure, so the policy is tested without a clock. */

export interface BackoffPolicy {
  /** The first retry waits up to this long (full jitter); each further retry doubles it. */
  readonly baseDelayMs: number;
  /** No computed wait exceeds this. */
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is thrown instead. */
  readonly maxRetryAfterMs: number;
}

/** A uniform number in [0, 1) from the platform's CSPRNG (no module-level state, nothing to seed). */
const uniform = (): number => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

export const defaultBackoff: BackoffPolicy = Object.freeze({
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
});

/**
 * Milliseconds of a Retry-After header (delta-seconds or an HTTP date), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month (`Sun, 29 Nov 2026 12:00:05 GMT`); Date.parse alone would take "-1" as a year.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number RETRY (1 for the first): the server's Retry-After when it sent one (plus up to
 * 10 % jitter, so that many clients told the same time do not all come back at once), otherwise exponential backoff
 * with full jitter. Undefined when Retry-After asks for longer than the policy allows.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = uniform,
): number | undefined {
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return undefined;
    return Math.round(retryAfterMs + random() * retryAfterMs * 0.1);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(random() * ceiling);
}
