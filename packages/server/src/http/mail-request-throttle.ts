import { DomainError } from '@visage/core';

export interface MailRequestLimits {
  /** Requests naming one username or email within the window. */
  readonly perIdentifier: number;
  /** Requests from one client address within the window. */
  readonly perAddress: number;
  readonly windowSeconds: number;
}

export const defaultMailRequestLimits: MailRequestLimits = { perIdentifier: 5, perAddress: 20, windowSeconds: 15 * 60 };

/**
 * Open endpoints that make the server send mail (password reset) are throttled per identifier and per address in
 * this process, before any lookup: the answer ('account.mail_rate_limited') depends only on what was asked, never on
 * whether an account exists. The core services add their own per-account limits on top.
 */
export function createMailRequestThrottle(limits: MailRequestLimits = defaultMailRequestLimits, now = Date.now) {
  const window = requestWindow(limits.windowSeconds, 'account.mail_rate_limited', now);
  return {
    /** Counts the request, or throws 'account.mail_rate_limited' with retry_after_seconds when over a limit. */
    check(identifier: string, address: string): void {
      window.check([
        { key: `id:${identifier.trim().toLowerCase()}`, limit: limits.perIdentifier },
        { key: `addr:${address}`, limit: limits.perAddress },
      ]);
    },
  };
}

export type MailRequestThrottle = ReturnType<typeof createMailRequestThrottle>;

/**
 * Console registrations per client address and rolling hour (VISAGE_REGISTRATIONS_PER_IP_PER_HOUR): each one mails
 * the address given, so unlimited registrations would make the platform mail anyone without end. Over the limit:
 * 'account.registration_rate_limited' with retry_after_seconds.
 */
export function createRegistrationThrottle(perAddressPerHour: number, now = Date.now) {
  const window = requestWindow(3600, 'account.registration_rate_limited', now);
  return {
    check(address: string): void {
      window.check([{ key: `addr:${address}`, limit: perAddressPerHour }]);
    },
  };
}

export type RegistrationThrottle = ReturnType<typeof createRegistrationThrottle>;

/** Request times per key in a rolling window, in this process. */
function requestWindow(
  windowSeconds: number,
  code: 'account.mail_rate_limited' | 'account.registration_rate_limited',
  now: () => number,
) {
  const requests = new Map<string, number[]>();
  const windowMs = windowSeconds * 1000;

  const recent = (key: string): number[] => {
    const since = now() - windowMs;
    const times = (requests.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) requests.delete(key);
    else requests.set(key, times);
    return times;
  };

  // Keys never used again would stay for ever: past this many, old ones are dropped.
  const pruneAbove = 10_000;

  return {
    /** Counts the request under every key, or throws `code` with retry_after_seconds when one is over its limit. */
    check(keys: readonly { key: string; limit: number }[]): void {
      for (const { key, limit } of keys) {
        const times = recent(key);
        if (times.length >= limit) {
          const retryAfter = Math.ceil((times[times.length - limit]! + windowMs - now()) / 1000);
          throw new DomainError(code, { retry_after_seconds: Math.max(1, retryAfter) });
        }
      }
      if (requests.size > pruneAbove) for (const key of [...requests.keys()]) recent(key);
      const at = now();
      for (const { key } of keys) requests.set(key, [...recent(key), at]);
    },
  };
}
