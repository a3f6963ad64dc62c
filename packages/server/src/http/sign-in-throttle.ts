import { DomainError } from '@visage/core';
import { createMemoryLimitStore, type LimitStore } from '../limits/limit-store.js';

export interface SignInLimits {
  /** Failed sign-ins per username within the window before it is locked for the rest of the window. */
  readonly perUsername: number;
  /** Failed sign-ins per client address within the window. */
  readonly perAddress: number;
  readonly windowSeconds: number;
}

export const defaultSignInLimits: SignInLimits = { perUsername: 5, perAddress: 20, windowSeconds: 15 * 60 };

/**
 * Password guessing is refused before the password is checked (so a locked account costs no argon2 work either).
 * Failures are counted per username and per address in `store` (this process's memory, or PostgreSQL / Redis shared
 * by every server process); a success clears the username's count.
 */
export function createSignInThrottle(
  limits: SignInLimits = defaultSignInLimits,
  now: () => number = Date.now,
  store: LimitStore = createMemoryLimitStore(now),
) {
  const windowMs = limits.windowSeconds * 1000;
  const keys = (username: string, address: string) =>
    [
      { key: `signin:user:${username.trim().toLowerCase()}`, limit: limits.perUsername },
      { key: `signin:addr:${address}`, limit: limits.perAddress },
    ] as const;

  return {
    async attempt<T>(username: string, address: string, signIn: () => Promise<T>): Promise<T> {
      const [user, addr] = keys(username, address);
      // Counted as a failure from the start, so that guesses sent in parallel are counted before any is checked.
      const counted = await store.hit([user, addr], windowMs);
      if (!counted.ok) {
        throw new DomainError('auth.too_many_attempts', { retry_after_seconds: counted.retryAfterSeconds });
      }
      try {
        const result = await signIn();
        await store.clear(user.key);
        await store.forget([addr.key], counted.id);
        return result;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'auth.invalid_credentials')) {
          await store.forget([user.key, addr.key], counted.id);
        }
        throw error;
      }
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
