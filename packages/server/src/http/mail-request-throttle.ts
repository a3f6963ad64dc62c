import { DomainError } from '@visage/core';
import { createMemoryLimitStore, type LimitStore } from '../limits/limit-store.js';

export interface MailRequestLimits {
  /** Requests naming one username or email within the window. */
  readonly perIdentifier: number;
  /** Requests from one client address within the window. */
  readonly perAddress: number;
  readonly windowSeconds: number;
}

export const defaultMailRequestLimits: MailRequestLimits = { perIdentifier: 5, perAddress: 20, windowSeconds: 15 * 60 };

/**
 * Open endpoints that make the server send mail (password reset) are throttled per identifier and per address
 * (counted in `store`: this process's memory, or PostgreSQL / Redis shared by every server process), before any
 * lookup: the answer ('account.mail_rate_limited') depends only on what was asked, never on whether an account
 * exists. The core services add their own per-account limits on top.
 */
export function createMailRequestThrottle(
  limits: MailRequestLimits = defaultMailRequestLimits,
  now = Date.now,
  store: LimitStore = createMemoryLimitStore(now),
) {
  const window = requestWindow(limits.windowSeconds, 'account.mail_rate_limited', store);
  return {
    /** Counts the request, or throws 'account.mail_rate_limited' with retry_after_seconds when over a limit. */
    check(identifier: string, address: string): Promise<void> {
      return window.check([
        { key: `reset:id:${identifier.trim().toLowerCase()}`, limit: limits.perIdentifier },
        { key: `reset:addr:${address}`, limit: limits.perAddress },
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
export function createRegistrationThrottle(
  perAddressPerHour: number,
  now = Date.now,
  store: LimitStore = createMemoryLimitStore(now),
) {
  const window = requestWindow(3600, 'account.registration_rate_limited', store);
  return {
    check(address: string): Promise<void> {
      return window.check([{ key: `register:addr:${address}`, limit: perAddressPerHour }]);
    },
  };
}

export type RegistrationThrottle = ReturnType<typeof createRegistrationThrottle>;

/** Request times per key in a rolling window, in `store`. */
function requestWindow(
  windowSeconds: number,
  code: 'account.mail_rate_limited' | 'account.registration_rate_limited',
  store: LimitStore,
) {
  return {
    /** Counts the request under every key, or throws `code` with retry_after_seconds when one is over its limit. */
    async check(keys: readonly { key: string; limit: number }[]): Promise<void> {
      const counted = await store.hit(keys, windowSeconds * 1000);
      if (!counted.ok) throw new DomainError(code, { retry_after_seconds: counted.retryAfterSeconds });
    },
  };
}
