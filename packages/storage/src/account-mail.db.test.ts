import {
  createEmailVerification,
  createMailOutbox,
  createPasswordReset,
  createSessions,
  createUsers,
  type MailMessage,
  type OutboxMail,
} from '@visage/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountTokenRepository } from './account-token.repository.js';
import type { VisageDatabase } from './database.js';
import { createMailOutboxRepository } from './mail-outbox.repository.js';
import { createOrganizationRepository } from './organization.repository.js';
import { auditOn, fastHasher, manualClock, nodeCrypto } from './testing/account-ports.js';
import { dialectNames, freshDatabase } from './testing/dialects.js';
import { createUserRepository } from './user-account.repository.js';
import { createSessionRepository } from './user-session.repository.js';

const password = 'a long passphrase';
const publicUrl = 'https://visage.example';
const tokenIn = (mail: MailMessage | undefined) => /token=([\w-]+)/.exec(mail?.text ?? '')?.[1] ?? '';

for (const dialect of dialectNames) {
  describe(`email verification, password reset and the mail outbox on ${dialect}`, () => {
    let database: VisageDatabase;
    let clock: ReturnType<typeof manualClock>;
    let audited: ReturnType<typeof auditOn>;
    let mails: MailMessage[];
    const setup = () => {
      const { audit } = audited;
      const users = createUserRepository(database);
      const tokens = createAccountTokenRepository(database);
      const sessionRepo = createSessionRepository(database);
      const mailer = { send: async (mail: MailMessage) => void mails.push(mail) };
      const ports = { users, tokens, mailer, clock, crypto: nodeCrypto, audit, publicUrl };
      return {
        users,
        tokens,
        accounts: createUsers({ users, hasher: fastHasher, clock, crypto: nodeCrypto, audit }),
        sessions: createSessions({
          sessions: sessionRepo,
          users,
          orgs: createOrganizationRepository(database),
          hasher: fastHasher,
          clock,
          crypto: nodeCrypto,
          audit,
          sessionTtlSeconds: 3600,
        }),
        verification: createEmailVerification(ports),
        reset: createPasswordReset({ ...ports, sessions: sessionRepo, hasher: fastHasher }),
      };
    };
    const register = (s: ReturnType<typeof setup>, username = 'bob', email = 'Bob@Acme.example') =>
      s.accounts.registerOrganisationOwner({ orgName: 'Acme', username, email, mobile: '13800138000', password });

    beforeEach(async () => {
      database = await freshDatabase(dialect);
      clock = manualClock();
      audited = auditOn(database, clock);
      mails = [];
    });
    afterEach(() => database.destroy());

    it('verifies the address from the mailed link once, and stores only the token hash', async () => {
      const s = setup();
      const { owner } = await register(s);
      expect(owner.emailVerifiedAt).toBeNull();
      const sent = await s.verification.send(owner);
      expect(sent).toEqual({ sentTo: 'Bob@Acme.example', expiresAt: '2026-11-30T10:00:00.000Z' });
      const token = tokenIn(mails[0]);
      expect(mails[0]).toMatchObject({ to: 'Bob@Acme.example', purpose: 'email_verification' });
      expect(mails[0]!.text).toContain(`${publicUrl}/console/verify-email?token=${token}`);
      expect(await s.tokens.find(token)).toBeUndefined();
      expect(await s.tokens.find(nodeCrypto.sha256Hex(token))).toMatchObject({ userId: owner.id, usedAt: null });

      clock.advanceSeconds(60);
      const confirmed = await s.verification.confirm(token);
      expect(confirmed.emailVerifiedAt).toBe('2026-11-29T10:01:00.000Z');
      expect((await s.users.find(owner.id))?.emailVerifiedAt).toBe('2026-11-29T10:01:00.000Z');
      await expect(s.verification.confirm(token)).rejects.toMatchObject({ code: 'account.token_invalid' });
      await expect(s.verification.resend(owner.id)).rejects.toMatchObject({ code: 'account.email_already_verified' });
      expect(await audited.recordedActions()).toContain('account.email_verified');
    });

    it('lets one of two concurrent confirmations of a token through', async () => {
      const s = setup();
      const { owner } = await register(s);
      await s.verification.send(owner);
      const token = tokenIn(mails[0]);
      const outcomes = await Promise.allSettled([s.verification.confirm(token), s.verification.confirm(token)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    });

    it('refuses an expired verification link, and resends at most once a minute', async () => {
      const s = setup();
      const { owner } = await register(s);
      await s.verification.send(owner);
      clock.advanceSeconds(24 * 3600);
      await expect(s.verification.confirm(tokenIn(mails[0]))).rejects.toMatchObject({ code: 'account.token_expired' });
      await s.verification.resend(owner.id);
      await expect(s.verification.resend(owner.id)).rejects.toMatchObject({
        code: 'account.mail_rate_limited',
        details: { retry_after_seconds: 60 },
      });
      clock.advanceSeconds(60);
      await s.verification.resend(owner.id);
      await s.verification.confirm(tokenIn(mails[1]));
      expect((await s.users.find(owner.id))?.emailVerifiedAt).not.toBeNull();
    });

    it('resets a password by username or by email, and signs the user out everywhere', async () => {
      const s = setup();
      const { owner } = await register(s);
      const { token: sessionToken } = await s.sessions.login('bob', password, { ip: null, userAgent: null });
      await s.reset.request('BOB', { ip: '192.0.2.9' });
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ to: 'Bob@Acme.example', purpose: 'password_reset' });
      expect(mails[0]!.text).toContain(`${publicUrl}/console/reset-password?token=`);

      await expect(s.reset.confirm(tokenIn(mails[0]), 'short')).rejects.toMatchObject({
        code: 'account.weak_password',
      });
      const done = await s.reset.confirm(tokenIn(mails[0]), 'a brand new passphrase');
      expect(done).toEqual({ username: 'bob', sessionsRevoked: 1 });
      await expect(s.sessions.authenticate(sessionToken)).rejects.toMatchObject({ code: 'auth.required' });
      await expect(s.sessions.login('bob', password, { ip: null, userAgent: null })).rejects.toMatchObject({
        code: 'auth.invalid_credentials',
      });
      await s.sessions.login('bob', 'a brand new passphrase', { ip: null, userAgent: null });
      await expect(s.reset.confirm(tokenIn(mails[0]), 'another new passphrase')).rejects.toMatchObject({
        code: 'account.token_invalid',
      });
      // The link came through the mailbox, so the address is verified as well.
      expect((await s.users.find(owner.id))?.emailVerifiedAt).not.toBeNull();
      expect(await audited.recordedActions()).toEqual(
        expect.arrayContaining(['account.password_reset_requested', 'account.password_reset']),
      );

      clock.advanceSeconds(60);
      await s.reset.request('bob@acme.EXAMPLE', { ip: null });
      expect(mails).toHaveLength(2);
    });

    it('sends nothing for unknown accounts, throttles per account, and expires reset links after an hour', async () => {
      const s = setup();
      await register(s);
      await s.reset.request('nobody', { ip: null });
      await s.reset.request('nobody@acme.example', { ip: null });
      expect(mails).toHaveLength(0);
      await s.reset.request('bob', { ip: null });
      await s.reset.request('bob', { ip: null });
      expect(mails).toHaveLength(1);
      clock.advanceSeconds(3600);
      await expect(s.reset.confirm(tokenIn(mails[0]), 'a brand new passphrase')).rejects.toMatchObject({
        code: 'account.token_expired',
      });
      expect(await s.tokens.deleteExpired(clock.now().toISOString())).toBe(0);
      clock.advanceSeconds(1);
      expect(await s.tokens.deleteExpired(clock.now().toISOString())).toBe(1);
    });

    it('keeps concurrent resends and reset requests within the per-account limits', async () => {
      const s = setup();
      const { owner } = await register(s);
      const resends = await Promise.allSettled(Array.from({ length: 6 }, () => s.verification.resend(owner.id)));
      expect(resends.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const refused of resends.filter((o) => o.status === 'rejected')) {
        expect(refused.reason).toMatchObject({ code: 'account.mail_rate_limited' });
      }
      expect(mails.filter((m) => m.purpose === 'email_verification')).toHaveLength(1);

      await Promise.all(Array.from({ length: 6 }, () => s.reset.request('bob', { ip: null })));
      expect(mails.filter((m) => m.purpose === 'password_reset')).toHaveLength(1);
      // Past the minute, concurrent requests still get at most what the hourly limit (three) has room for.
      for (let minute = 0; minute < 3; minute++) {
        clock.advanceSeconds(60);
        await Promise.all(Array.from({ length: 4 }, () => s.reset.request('bob@acme.example', { ip: null })));
      }
      expect(mails.filter((m) => m.purpose === 'password_reset')).toHaveLength(3);
    });

    it('mails one address at most five verification links a day across accounts, even concurrently', async () => {
      const s = setup();
      const owners = [];
      for (let i = 0; i < 8; i++) {
        owners.push((await register(s, `user${i}`, i % 2 ? 'victim@acme.example' : 'Victim@Acme.example')).owner);
      }
      const sent = await Promise.all(owners.map((owner) => s.verification.send(owner)));
      expect(sent.filter((result) => result !== undefined)).toHaveLength(5);
      expect(mails).toHaveLength(5);
      // The user whose mail was held back can still ask for one (the per-account limits apply to that).
      const held = owners[sent.findIndex((result) => result === undefined)]!;
      await expect(s.verification.resend(held.id)).resolves.toMatchObject({ sentTo: held.email });
      clock.advanceSeconds(24 * 3600);
      const other = (await register(s, 'later', 'victim@acme.example')).owner;
      expect(await s.verification.send(other)).toBeDefined();
    });

    it('finds users by email ignoring case, and verifies only the address still on the account', async () => {
      const s = setup();
      const a = await register(s, 'alice', 'shared@acme.example');
      clock.advanceSeconds(1);
      const b = await register(s, 'bert', 'SHARED@acme.example');
      expect((await s.users.findByEmail(' Shared@Acme.Example ', 5)).map((u) => u.username)).toEqual(['alice', 'bert']);
      expect(await s.users.findByEmail('shared@acme.example', 1)).toHaveLength(1);
      expect(await s.users.markEmailVerified(a.owner.id, 'other@acme.example', clock.now().toISOString())).toBe(false);
      expect(await s.users.markEmailVerified(b.owner.id, 'SHARED@acme.example', clock.now().toISOString())).toBe(true);
    });

    it('lists the outbox newest first, filtered by purpose and recipient, page by page', async () => {
      const repo = createMailOutboxRepository(database);
      const outbox = createMailOutbox({ repo, audit: audited.audit });
      const mail = (n: number, purpose: string, to: string): OutboxMail => ({
        id: `mail_${n}`,
        to,
        subject: `subject ${n}`,
        text: `text ${n}`,
        purpose,
        status: 'outbox',
        error: null,
        // Two mails share a timestamp, so the id breaks the tie.
        createdAt: `2026-11-29T10:00:0${Math.min(n, 3)}.000Z`,
        sentAt: null,
      });
      for (const [n, purpose, to] of [
        [1, 'email_verification', 'a@x.example'],
        [2, 'password_reset', 'A@X.example'],
        [3, 'notice', 'b@x.example'],
        [4, 'password_reset', 'b@x.example'],
      ] as const) {
        await repo.insert(mail(n, purpose, to));
      }
      await repo.settle('mail_3', { status: 'failed', error: '550 no such user', sentAt: null });
      await repo.settle('mail_1', { status: 'sent', error: null, sentAt: '2026-11-29T10:00:09.000Z', text: 'sent 1' });

      const first = await outbox.list({ limit: 2 });
      expect(first.mails.map((m) => m.id)).toEqual(['mail_4', 'mail_3']);
      expect(first.mails[1]).toMatchObject({ status: 'failed', error: '550 no such user', text: 'text 3' });
      const second = await outbox.list({ limit: 2, after: first.next });
      expect(second.mails.map((m) => m.id)).toEqual(['mail_2', 'mail_1']);
      expect(second.mails[0]).toMatchObject({ status: 'outbox', text: 'text 2' });
      expect(second.mails[1]).toMatchObject({ status: 'sent', text: 'sent 1', sentAt: '2026-11-29T10:00:09.000Z' });
      expect(second.next).toBeUndefined();
      expect((await outbox.list({ purpose: 'password_reset' })).mails.map((m) => m.id)).toEqual(['mail_4', 'mail_2']);
      expect((await outbox.list({ to: 'a@x.EXAMPLE' })).mails.map((m) => m.id)).toEqual(['mail_2', 'mail_1']);

      // The retention sweep deletes what was created before the cut-off, whatever its status, and nothing after.
      expect(await repo.deleteCreatedBefore('2026-11-29T10:00:02.000Z')).toBe(1);
      expect((await outbox.list({})).mails.map((m) => m.id)).toEqual(['mail_4', 'mail_3', 'mail_2']);
      expect(await repo.deleteCreatedBefore('2026-11-29T10:00:02.000Z')).toBe(0);
      expect(await repo.deleteCreatedBefore('2026-11-29T10:00:03.001Z')).toBe(3);
      expect((await outbox.list({})).mails).toEqual([]);
    });
  });
}
