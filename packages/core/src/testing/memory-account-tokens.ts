import type { AccountToken, AccountTokenRepository } from '../accounts/account-tokens.ports.js';
import type { MailMessage } from '../ports.js';

/** In-memory account tokens, a clock moved by hand and the token of a mailed link: for the account-mail tests. */
export function memoryTokens(): AccountTokenRepository & { all: Map<string, AccountToken> } {
  const all = new Map<string, AccountToken>();
  return {
    all,
    insert: async (t) => void all.set(t.id, t),
    async insertWithinLimits(token, limits) {
      for (const limit of limits) {
        const counted = [...all.values()].filter(
          (t) =>
            t.purpose === token.purpose &&
            t.createdAt > limit.after &&
            (limit.by === 'user' ? t.userId === token.userId : t.email.toLowerCase() === token.email.toLowerCase()),
        );
        if (counted.length >= limit.max) return false;
      }
      all.set(token.id, token);
      return true;
    },
    find: async (id) => all.get(id),
    async consume(id, at) {
      const t = all.get(id);
      if (!t || t.usedAt !== null) return false;
      all.set(id, { ...t, usedAt: at });
      return true;
    },
    async consumeAllOfUser(userId, purpose, at) {
      let n = 0;
      for (const t of all.values()) {
        if (t.userId === userId && t.purpose === purpose && t.usedAt === null) {
          all.set(t.id, { ...t, usedAt: at });
          n++;
        }
      }
      return n;
    },
    issuedSince: async (userId, purpose, since) =>
      [...all.values()]
        .filter((t) => t.userId === userId && t.purpose === purpose && t.createdAt >= since)
        .map((t) => t.createdAt)
        .sort(),
    deleteExpired: async () => 0,
  };
}

export function movableClock(start = '2026-11-29T10:00:00.000Z') {
  let now = new Date(start);
  return { now: () => now, advance: (s: number) => (now = new Date(now.getTime() + s * 1000)) };
}

export const tokenIn = (mail: MailMessage | undefined) => /token=([\w-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
