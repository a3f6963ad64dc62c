import { DomainError } from '@visage/core';

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
 * Failures are counted per username and per address in this process; a success clears the username's count.
 */
export function createSignInThrottle(limits: SignInLimits = defaultSignInLimits, now: () => number = Date.now) {
  const failures = new Map<string, number[]>();
  const windowMs = limits.windowSeconds * 1000;

  const recent = (key: string): number[] => {
    const since = now() - windowMs;
    const times = (failures.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) failures.delete(key);
    else failures.set(key, times);
    return times;
  };

  const forget = (key: string, at: number) => {
    const times = failures.get(key) ?? [];
    const index = times.indexOf(at);
    if (index !== -1) times.splice(index, 1);
    if (times.length === 0) failures.delete(key);
  };

  const keys = (username: string, address: string) =>
    [
      { key: `user:${username.trim().toLowerCase()}`, limit: limits.perUsername },
      { key: `addr:${address}`, limit: limits.perAddress },
    ] as const;

  // Entries of names and addresses never tried again would stay for ever: past this many, old ones are dropped.
  const pruneAbove = 10_000;
  const prune = () => {
    if (failures.size <= pruneAbove) return;
    for (const key of [...failures.keys()]) recent(key);
  };

  return {
    async attempt<T>(username: string, address: string, signIn: () => Promise<T>): Promise<T> {
      for (const { key, limit } of keys(username, address)) {
        const times = recent(key);
        if (times.length >= limit) {
          const retryAfter = Math.ceil((times[0]! + windowMs - now()) / 1000);
          throw new DomainError('auth.too_many_attempts', { retry_after_seconds: Math.max(1, retryAfter) });
        }
      }
      prune();
      // Counted as a failure from the start, so that guesses sent in parallel are counted before any is checked.
      const startedAt = now();
      for (const { key } of keys(username, address)) failures.set(key, [...recent(key), startedAt]);
      try {
        const result = await signIn();
        const [user, addr] = keys(username, address);
        failures.delete(user.key);
        forget(addr.key, startedAt);
        return result;
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'auth.invalid_credentials')) {
          for (const { key } of keys(username, address)) forget(key, startedAt);
        }
        throw error;
      }
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
