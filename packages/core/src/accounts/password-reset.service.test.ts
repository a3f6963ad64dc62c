import { describe, expect, it } from 'vitest';
import type { MailMessage } from '../ports.js';
import { memoryTokens, movableClock, tokenIn } from '../testing/memory-account-tokens.js';
import { memoryAudit } from '../testing/memory-audit.js';
import { testCrypto } from '../testing/node-ports.js';
import type { UserCredentials } from './accounts.ports.js';
import { createPasswordReset } from './password-reset.service.js';

const base = {
  orgId: 'org_1',
  emailVerifiedAt: null,
  mobile: null,
  role: 'owner',
  createdAt: '2026-11-29T09:00:00.000Z',
  disabledAt: null,
  passwordHash: 'hash:old password 1',
} as const;
const bob: UserCredentials = { ...base, id: 'usr_bob', username: 'bob', email: 'Bob@Acme.example' };
const carol: UserCredentials = { ...base, id: 'usr_carol', username: 'carol', email: 'bob@acme.example' };
const operator: UserCredentials = {
  ...base,
  id: 'usr_op',
  username: 'op',
  email: 'op@visage.example',
  orgId: null,
  role: 'admin',
};
const disabled: UserCredentials = {
  ...base,
  id: 'usr_dis',
  username: 'dis',
  email: 'dis@acme.example',
  disabledAt: base.createdAt,
};

function setup(users: UserCredentials[] = [bob, carol, operator, disabled]) {
  const stored = new Map(users.map((u) => [u.id, u]));
  const mails: MailMessage[] = [];
  const revoked: string[] = [];
  const clock = movableClock();
  const tokens = memoryTokens();
  const { audit, entries } = memoryAudit(clock);
  const service = createPasswordReset({
    users: {
      find: async (id) => stored.get(id),
      findByUsername: async (name) => [...stored.values()].find((u) => u.username === name),
      findByEmail: async (email, limit) =>
        [...stored.values()].filter((u) => u.email?.toLowerCase() === email.trim().toLowerCase()).slice(0, limit),
      async setPasswordHash(id, passwordHash) {
        stored.set(id, { ...stored.get(id)!, passwordHash });
      },
      async markEmailVerified(id, email, at) {
        const u = stored.get(id)!;
        if (u.email !== email) return false;
        stored.set(id, { ...u, emailVerifiedAt: at });
        return true;
      },
    },
    sessions: { revokeAllOfUser: async (userId) => (revoked.push(userId), 2) },
    tokens,
    mailer: { send: async (m) => void mails.push(m) },
    hasher: { hash: async (p) => `hash:${p}`, verify: async (h, p) => h === `hash:${p}` },
    clock,
    crypto: testCrypto,
    audit,
    publicUrl: 'https://visage.example',
  });
  return { service, stored, mails, revoked, clock, entries };
}

describe('password reset', () => {
  it('mails a one-hour link that sets the password once and signs the user out everywhere', async () => {
    const { service, stored, mails, revoked, entries } = setup();
    await service.request('  BOB ', { ip: '192.0.2.7' });
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: 'Bob@Acme.example', purpose: 'password_reset' });
    const token = tokenIn(mails[0]);
    expect(mails[0]!.text).toContain(`https://visage.example/console/reset-password?token=${token}`);

    expect(await service.confirm(token, 'a new passphrase')).toEqual({ username: 'bob', sessionsRevoked: 2 });
    expect(stored.get('usr_bob')).toMatchObject({
      passwordHash: 'hash:a new passphrase',
      emailVerifiedAt: '2026-11-29T10:00:00.000Z',
    });
    expect(revoked).toEqual(['usr_bob']);
    expect(entries.map((e) => [e.action, e.data])).toEqual([
      ['account.password_reset_requested', { ip: '192.0.2.7' }],
      ['account.password_reset', { sessions_revoked: 2 }],
    ]);
    await expect(service.confirm(token, 'another passphrase')).rejects.toMatchObject({ code: 'account.token_invalid' });
  });

  it('keeps the token usable after a weak password, and applies the registration rules', async () => {
    const { service, mails, stored } = setup();
    await service.request('bob', { ip: null });
    const token = tokenIn(mails[0]);
    for (const weak of ['short', 'bob', 'password123', 'aaaaaaaaaaaa']) {
      await expect(service.confirm(token, weak)).rejects.toMatchObject({ code: 'account.weak_password' });
    }
    await expect(service.confirm(token, 'x'.repeat(257))).rejects.toMatchObject({ code: 'request.invalid' });
    expect(stored.get('usr_bob')?.passwordHash).toBe('hash:old password 1');
    await service.confirm(token, 'a new passphrase');
  });

  it('mails every customer account of an email address, and none for unknown names, operators or disabled users', async () => {
    const { service, mails } = setup();
    await service.request('nobody', { ip: null });
    await service.request('nobody@acme.example', { ip: null });
    await service.request('op', { ip: null });
    await service.request('op@visage.example', { ip: null });
    await service.request('dis', { ip: null });
    expect(mails).toHaveLength(0);
    await service.request('BOB@acme.example', { ip: null });
    expect(mails.map((m) => m.text.match(/Hello (\w+)/)?.[1])).toEqual(['bob', 'carol']);
  });

  it('silently sends at most one mail a minute and three an hour per account', async () => {
    const { service, mails, clock } = setup();
    await service.request('bob', { ip: null });
    await service.request('bob', { ip: null });
    expect(mails).toHaveLength(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(60);
      await service.request('bob', { ip: null });
    }
    expect(mails).toHaveLength(3);
  });

  it('invalidates the other reset links once one is used, and refuses expired ones', async () => {
    const { service, mails, clock } = setup();
    await service.request('bob', { ip: null });
    clock.advance(60);
    await service.request('bob', { ip: null });
    await service.confirm(tokenIn(mails[1]), 'a new passphrase');
    await expect(service.confirm(tokenIn(mails[0]), 'a newer passphrase')).rejects.toMatchObject({
      code: 'account.token_invalid',
    });
    clock.advance(60);
    await service.request('bob', { ip: null });
    clock.advance(3600);
    await expect(service.confirm(tokenIn(mails[2]), 'a newer passphrase')).rejects.toMatchObject({
      code: 'account.token_expired',
    });
  });
});
