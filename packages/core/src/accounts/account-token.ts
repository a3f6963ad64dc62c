import { DomainError } from '../domain-error.js';
import type { Clock, Crypto } from '../ports.js';
import type {
  AccountToken,
  AccountTokenLimit,
  AccountTokenPurpose,
  AccountTokenRepository,
} from './account-tokens.ports.js';

/** How often one user may be sent a mail of one purpose. */
export interface MailLimits {
  /** Seconds that must pass between two mails. */
  readonly minIntervalSeconds: number;
  /** Mails per rolling hour. */
  readonly perHour: number;
}

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/** Issuing, checking and using the single-use tokens that email verification and password reset mail out. */
export function accountTokens(ports: {
  tokens: AccountTokenRepository;
  clock: Clock;
  crypto: Pick<Crypto, 'sha256Hex' | 'randomToken'>;
}) {
  const { tokens, clock, crypto } = ports;
  return {
    /**
     * Stores a new token, unless that would exceed the user's `limits` or the address's `perAddressPerDay` (mails of
     * this purpose to that address across all accounts): then nothing is stored and the result is undefined. The
     * limits are checked and the token inserted in one step, so concurrent requests cannot exceed them.
     */
    async issue(
      user: { readonly id: string },
      email: string,
      purpose: AccountTokenPurpose,
      ttlSeconds: number,
      limits?: { readonly perUser?: MailLimits; readonly perAddressPerDay?: number },
    ): Promise<{ token: string; record: AccountToken } | undefined> {
      const token = crypto.randomToken(32);
      const now = clock.now();
      const record: AccountToken = {
        id: crypto.sha256Hex(token),
        userId: user.id,
        purpose,
        email,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
        usedAt: null,
      };
      const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
      const checks: AccountTokenLimit[] = [];
      if (limits?.perUser) {
        const { minIntervalSeconds, perHour } = limits.perUser;
        if (minIntervalSeconds > 0) checks.push({ by: 'user', after: at(minIntervalSeconds * 1000), max: 1 });
        checks.push({ by: 'user', after: at(HOUR_MS), max: perHour });
      }
      if (limits?.perAddressPerDay !== undefined) {
        checks.push({ by: 'email', after: at(DAY_MS), max: limits.perAddressPerDay });
      }
      if (checks.length === 0) await tokens.insert(record);
      else if (!(await tokens.insertWithinLimits(record, checks))) return undefined;
      return { token, record };
    },

    /** Seconds until the user may be sent another mail of this purpose; 0 when now. */
    async waitBeforeNext(userId: string, purpose: AccountTokenPurpose, limits: MailLimits): Promise<number> {
      const now = clock.now().getTime();
      const issued = await tokens.issuedSince(userId, purpose, new Date(now - HOUR_MS).toISOString());
      const times = issued.map((t) => Date.parse(t));
      let readyAt = now;
      const last = times.at(-1);
      if (last !== undefined) readyAt = Math.max(readyAt, last + limits.minIntervalSeconds * 1000);
      if (times.length >= limits.perHour) readyAt = Math.max(readyAt, times[times.length - limits.perHour]! + HOUR_MS);
      return Math.ceil((readyAt - now) / 1000);
    },

    /**
     * The unused, unexpired token of this purpose, without using it up: 'account.token_invalid' when it is unknown,
     * of another purpose or used, 'account.token_expired' when it expired.
     */
    async check(token: string, purpose: AccountTokenPurpose): Promise<AccountToken> {
      // A token is 43 characters of base64url; anything else cannot be one (and is not worth hashing).
      const found = /^[\w-]{16,128}$/.test(token) ? await tokens.find(crypto.sha256Hex(token)) : undefined;
      if (!found || found.purpose !== purpose || found.usedAt !== null) throw new DomainError('account.token_invalid');
      if (found.expiresAt <= clock.now().toISOString()) throw new DomainError('account.token_expired');
      return found;
    },

    /** Uses the token up; 'account.token_invalid' when a concurrent request used it first. */
    async consume(record: AccountToken): Promise<void> {
      if (!(await tokens.consume(record.id, clock.now().toISOString()))) throw new DomainError('account.token_invalid');
    },
  };
}

export const sameAddress = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
