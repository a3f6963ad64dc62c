import { describe, expect, it } from 'vitest';
import type { MailMessage } from '../ports.js';
import { memoryAudit } from '../testing/memory-audit.js';
import { testCrypto } from '../testing/node-ports.js';
import { memoryTokens, movableClock, tokenIn } from '../testing/memory-account-tokens.js';
import type { UserCredentials } from './accounts.ports.js';
import { createEmailVerification } from './email-verification.service.js';

const bob: UserCredentials = {
  id: 'usr_bob',
  orgId: 'org_1',
  username: 'bob',
  email: 'bob@acme.example',
  emailVerifiedAt: null,
  mobile: null,
  role: 'owner',
  createdAt: '2026-11-29T09:00:00.000Z',
  disabledAt: null,
  passwordHash: 'x',
};

function setup(user: UserCredentials = bob) {
  const stored = new Map([[user.id, user]]);
  const mails: MailMessage[] = [];
  const clock = movableClock();
  const tokens = memoryTokens();
  const { audit, entries } = memoryAudit(clock);
  const service = createEmailVerification({
    users: {
      find: async (id) => stored.get(id),
      async markEmailVerified(id, email, at) {
        const u = stored.get(id);
        if (!u || u.email !== email) return false;
        stored.set(id, { ...u, emailVerifiedAt: at });
        return true;
      },
    },
    tokens,
    mailer: { send: async (m) => void mails.push(m) },
    clock,
    crypto: testCrypto,
    audit,
    publicUrl: 'http://127.0.0.1:8080',
  });
  return { service, stored, mails, clock, tokens, entries };
}

describe('email verification', () => {
  it('mails a link with a fresh token that verifies the address once', async () => {
    const { service, stored, mails, entries } = setup();
    expect(await service.send(bob)).toEqual({ sentTo: 'bob@acme.example', expiresAt: '2026-11-30T10:00:00.000Z' });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'bob@acme.example', purpose: 'email_verification' });
    const token = tokenIn(mails[0]);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(mails[0]!.text).toContain(`http://127.0.0.1:8080/console/verify-email?token=${token}`);
    const confirmed = await service.confirm(token);
    expect(confirmed).toMatchObject({ id: 'usr_bob', emailVerifiedAt: '2026-11-29T10:00:00.000Z' });
    expect(stored.get('usr_bob')?.emailVerifiedAt).toBe('2026-11-29T10:00:00.000Z');
    expect(entries.map((e) => e.action)).toEqual(['account.email_verified']);
    await expect(service.confirm(token)).rejects.toMatchObject({ code: 'account.token_invalid' });
  });

  it('sends nothing to a user without an address or with a verified one', async () => {
    const { service, mails } = setup();
    expect(await service.send({ ...bob, email: null })).toBeUndefined();
    expect(await service.send({ ...bob, emailVerifiedAt: '2026-11-29T09:30:00.000Z' })).toBeUndefined();
    expect(mails).toHaveLength(0);
  });

  it('refuses unknown, malformed, expired and reset tokens', async () => {
    const { service, mails, clock } = setup();
    await expect(service.confirm('nonsense')).rejects.toMatchObject({ code: 'account.token_invalid' });
    await expect(service.confirm('A'.repeat(43))).rejects.toMatchObject({ code: 'account.token_invalid' });
    await service.send(bob);
    clock.advance(24 * 3600 - 1);
    const token = tokenIn(mails[0]);
    clock.advance(1);
    await expect(service.confirm(token)).rejects.toMatchObject({ code: 'account.token_expired' });
  });

  it('does not verify an address the user no longer has', async () => {
    const { service, stored, mails } = setup();
    await service.send(bob);
    stored.set('usr_bob', { ...bob, email: 'new@acme.example' });
    await expect(service.confirm(tokenIn(mails[0]))).rejects.toMatchObject({ code: 'account.token_invalid' });
    expect(stored.get('usr_bob')?.emailVerifiedAt).toBeNull();
  });

  it('resends at most once a minute and five times an hour, saying when to retry', async () => {
    const { service, mails, clock } = setup();
    await service.resend('usr_bob');
    clock.advance(30);
    await expect(service.resend('usr_bob')).rejects.toMatchObject({
      code: 'account.mail_rate_limited',
      details: { retry_after_seconds: 30 },
    });
    for (let i = 0; i < 4; i++) {
      clock.advance(60);
      await service.resend('usr_bob');
    }
    expect(mails).toHaveLength(5);
    clock.advance(60);
    // The first of the five went out 4.5 minutes + 60 s ago: the hour since then must pass.
    await expect(service.resend('usr_bob')).rejects.toMatchObject({
      code: 'account.mail_rate_limited',
      details: { retry_after_seconds: 3600 - 330 },
    });
    // Every link stays good until used or expired.
    await service.confirm(tokenIn(mails[0]));
  });

  it('refuses to resend once verified', async () => {
    const { service } = setup({ ...bob, emailVerifiedAt: '2026-11-29T09:30:00.000Z' });
    await expect(service.resend('usr_bob')).rejects.toMatchObject({ code: 'account.email_already_verified' });
  });
});
