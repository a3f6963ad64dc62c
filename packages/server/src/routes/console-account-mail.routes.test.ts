import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperatorRole } from '@visage/core';
import { dialectNames } from '@visage/storage/testing';
import { startSmtpTestServer, type SmtpTestServer } from '../testing/smtp-test-server.js';
import { operator, startTestPlatform, type TestPlatform } from '../testing/test-platform.js';

const password = 'a long enough passphrase';
const publicUrl = 'https://visage.example.com/';

interface Browser {
  readonly token: string;
  readonly csrf: string;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** Requests as a browser would make them, with the console's or the admin console's cookie. */
function browserOf(t: () => TestPlatform) {
  async function send(
    method: Method,
    url: string,
    options: { as?: Browser; admin?: boolean; csrf?: string | null; body?: unknown; remoteAddress?: string } = {},
  ) {
    const csrf = options.csrf === undefined ? options.as?.csrf : options.csrf;
    const cookieName = options.admin ? 'visage_admin_session' : 'visage_session';
    const response = await t().platform.app.inject({
      method,
      url,
      headers: {
        ...(options.as ? { cookie: `${cookieName}=${options.as.token}` } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
      ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    });
    return {
      status: response.statusCode,
      headers: response.headers,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read as loose JSON
      json: (response.body === '' ? {} : response.json()) as Record<string, any> & { error?: { code: string } },
      setCookie: [response.headers['set-cookie'] ?? []].flat().join('\n'),
    };
  }

  async function signIn(username: string, secret = password, admin = false): Promise<Browser> {
    const url = admin ? '/admin/api/session' : '/console/api/session';
    const response = await send('POST', url, { body: { username, password: secret } });
    expect(response.status).toBe(200);
    const token = new RegExp(`${admin ? 'visage_admin_session' : 'visage_session'}=([^;]+)`).exec(response.setCookie);
    return { token: token![1]!, csrf: response.json['csrf_token'] as string };
  }

  let registered = 0;
  async function register(email?: string) {
    const username = `mailer-${++registered}`;
    const address = email ?? `${username}@Example.com`;
    const { status, json } = await send('POST', '/console/api/register', {
      body: { org_name: `Org ${registered}`, username, email: address, mobile: '+8613800000000', password },
    });
    expect(status).toBe(201);
    return { username, email: address, userId: json['user_id'] as string };
  }

  async function signedInOperator(role: OperatorRole): Promise<Browser> {
    const username = `ops-${role}-${++registered}`;
    await t().services.users.createOperator({ username, password, role, actor: operator });
    return signIn(username, password, true);
  }

  /** The newest mail of a purpose to an address, read from the outbox as the operator would. */
  async function newestMail(to: string, purpose: string) {
    // A password reset's mail is made after the answer: wait for that work first.
    await t().services.afterReply.drain();
    const page = await t().services.mailOutbox.list({ to, purpose, limit: 1 });
    return page.mails[0];
  }

  const tokenIn = (text: string | undefined) => /token=([\w-]+)/.exec(text ?? '')?.[1] ?? '';

  /** The audit entries of operators' outbox reads, oldest first. */
  async function outboxReads() {
    const rows = await t()
      .services.database.db.selectFrom('audit_log')
      .select(['actor', 'data'])
      .where('action', '=', 'mail.outbox.read')
      .orderBy('seq')
      .execute();
    return rows.map((row) => ({ actor: row.actor, data: JSON.parse(row.data ?? 'null') as Record<string, unknown> }));
  }

  return { send, signIn, register, signedInOperator, newestMail, tokenIn, outboxReads };
}

for (const dialect of dialectNames) {
  describe(`email verification and password reset without SMTP on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect, env: { VISAGE_PUBLIC_URL: publicUrl } });
    });
    afterAll(() => t.close());
    const { send, signIn, register, signedInOperator, newestMail, tokenIn, outboxReads } = browserOf(() => t);

    it('says that mail only reaches the outbox, to anyone', async () => {
      expect(await send('GET', '/console/api/mail-mode')).toMatchObject({ status: 200, json: { smtp: false } });
    });

    it('mails a verification link on registration that verifies the address once', async () => {
      const { username, email } = await register();
      const browser = await signIn(username);
      const before = await send('GET', '/console/api/session', { as: browser });
      expect(before.json['user']).toMatchObject({ username, email, email_verified: false });

      const mail = await newestMail(email, 'email_verification');
      expect(mail).toMatchObject({ to: email, status: 'outbox', error: null });
      expect(mail?.text).toContain('https://visage.example.com/console/verify-email?token=');
      const token = tokenIn(mail?.text);

      const confirmed = await send('POST', '/console/api/email-verification/confirm', { body: { token } });
      expect(confirmed).toMatchObject({
        status: 200,
        json: { username, email, email_verified_at: expect.any(String) },
      });
      const after = await send('GET', '/console/api/session', { as: browser });
      expect(after.json['user']).toMatchObject({ email_verified: true });

      const again = await send('POST', '/console/api/email-verification/confirm', { body: { token } });
      expect(again).toMatchObject({ status: 400, json: { error: { code: 'account.token_invalid' } } });
      const resend = await send('POST', '/console/api/email-verification', { as: browser });
      expect(resend).toMatchObject({ status: 409, json: { error: { code: 'account.email_already_verified' } } });
    });

    it('refuses made-up tokens and malformed bodies', async () => {
      const made = await send('POST', '/console/api/email-verification/confirm', { body: { token: 'x'.repeat(43) } });
      expect(made).toMatchObject({ status: 400, json: { error: { code: 'account.token_invalid' } } });
      const empty = await send('POST', '/console/api/email-verification/confirm', { body: {} });
      expect(empty).toMatchObject({ status: 400, json: { error: { code: 'request.invalid' } } });
    });

    it('resends a verification mail to a signed-in customer, once a minute at most, with CSRF', async () => {
      const { username, email } = await register();
      const browser = await signIn(username);
      const noCsrf = await send('POST', '/console/api/email-verification', { as: browser, csrf: null });
      expect(noCsrf).toMatchObject({ status: 403, json: { error: { code: 'auth.csrf' } } });
      expect(await send('POST', '/console/api/email-verification')).toMatchObject({ status: 401 });

      // Registration sent one a moment ago.
      const tooSoon = await send('POST', '/console/api/email-verification', { as: browser });
      expect(tooSoon).toMatchObject({ status: 429, json: { error: { code: 'account.mail_rate_limited' } } });
      expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(tooSoon.headers['retry-after'])).toBeLessThanOrEqual(60);
      const first = await newestMail(email, 'email_verification');
      // The earlier link still works.
      const confirmed = await send('POST', '/console/api/email-verification/confirm', {
        body: { token: tokenIn(first?.text) },
      });
      expect(confirmed.status).toBe(200);
    });

    it('resets a password by emailed link, answering the same whether or not the account exists', async () => {
      const { username, email, userId } = await register();
      const browser = await signIn(username);
      const other = await signIn(username);

      const known = await send('POST', '/console/api/password-reset', {
        body: { username_or_email: username.toUpperCase() },
        remoteAddress: '192.0.2.10',
      });
      const unknown = await send('POST', '/console/api/password-reset', {
        body: { username_or_email: 'nobody-here@example.com' },
        remoteAddress: '192.0.2.10',
      });
      expect(known.status).toBe(202);
      expect(unknown.status).toBe(202);
      expect(unknown.json).toEqual(known.json);
      expect(known.json).toEqual({ accepted: true, message: expect.stringContaining('If an account') });
      await t.services.afterReply.drain();
      expect((await t.services.mailOutbox.list({ to: 'nobody-here@example.com' })).mails).toHaveLength(0);

      const mail = await newestMail(email, 'password_reset');
      expect(mail?.text).toContain('https://visage.example.com/console/reset-password?token=');
      const token = tokenIn(mail?.text);

      const weak = await send('POST', '/console/api/password-reset/confirm', { body: { token, password: username } });
      expect(weak).toMatchObject({ status: 400, json: { error: { code: 'account.weak_password' } } });
      const done = await send('POST', '/console/api/password-reset/confirm', {
        body: { token, password: 'a fresh new passphrase' },
      });
      expect(done).toMatchObject({ status: 200, json: { username, sessions_revoked: 2 } });

      // Every session is gone; the old password no longer works, the new one does.
      for (const session of [browser, other]) {
        expect((await send('GET', '/console/api/session', { as: session })).status).toBe(401);
      }
      const old = await send('POST', '/console/api/session', { body: { username, password } });
      expect(old).toMatchObject({ status: 401, json: { error: { code: 'auth.invalid_credentials' } } });
      const fresh = await signIn(username, 'a fresh new passphrase');
      const session = await send('GET', '/console/api/session', { as: fresh });
      // The link came through the mailbox: the address counts as verified.
      expect(session.json['user']).toMatchObject({ email_verified: true });

      const reused = await send('POST', '/console/api/password-reset/confirm', {
        body: { token, password: 'yet another passphrase' },
      });
      expect(reused).toMatchObject({ status: 400, json: { error: { code: 'account.token_invalid' } } });
      const admin = await signedInOperator('admin');
      const audit = await send('GET', `/admin/api/audit?subject=${userId}`, { as: admin, admin: true });
      expect(audit.json['entries'].map((e: { action: string }) => e.action)).toEqual(
        expect.arrayContaining(['account.password_reset_requested', 'account.password_reset']),
      );
    });

    it('throttles reset requests per identifier and per client address', async () => {
      const ask = (identifier: string, remoteAddress: string) =>
        send('POST', '/console/api/password-reset', { body: { username_or_email: identifier }, remoteAddress });
      for (let i = 0; i < 5; i++) expect((await ask('someone-else', `198.51.100.${i}`)).status).toBe(202);
      const sixth = await ask('someone-else', '198.51.100.99');
      expect(sixth).toMatchObject({ status: 429, json: { error: { code: 'account.mail_rate_limited' } } });
      expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
      for (let i = 0; i < 20; i++) expect((await ask(`name-${i}`, '203.0.113.5')).status).toBe(202);
      expect((await ask('name-last', '203.0.113.5')).status).toBe(429);
    });

    it('shows the outbox to operators with mail.read only, newest first, filtered and paged', async () => {
      const { email } = await register('Paged.Person@Example.com');
      await send('POST', '/console/api/password-reset', {
        body: { username_or_email: 'paged.person@example.com' },
        remoteAddress: '192.0.2.77',
      });
      await t.services.afterReply.drain();
      const support = await signedInOperator('support');
      const reviewer = await signedInOperator('reviewer');

      const refused = await send('GET', '/admin/api/mail-outbox', { as: reviewer, admin: true });
      expect(refused).toMatchObject({ status: 403, json: { error: { code: 'auth.forbidden' } } });
      expect((await send('GET', '/admin/api/mail-outbox')).status).toBe(401);

      const mine = await send('GET', `/admin/api/mail-outbox?to=${encodeURIComponent(email.toLowerCase())}`, {
        as: support,
        admin: true,
      });
      expect(mine.status).toBe(200);
      expect(mine.json['mails'].map((m: { purpose: string }) => m.purpose)).toEqual([
        'password_reset',
        'email_verification',
      ]);
      expect(mine.json['mails'][0]).toEqual({
        id: expect.stringMatching(/^mail_/),
        to: email,
        subject: expect.stringContaining('Reset your password'),
        text: expect.stringContaining('/console/reset-password?token='),
        purpose: 'password_reset',
        status: 'outbox',
        error: null,
        created_at: expect.any(String),
        sent_at: null,
      });
      // Without SMTP the operator relays the links, so they are shown in full; each read is audited.
      const stored = await newestMail(email, 'password_reset');
      expect(tokenIn(mine.json['mails'][0].text)).toBe(tokenIn(stored?.text));
      expect(tokenIn(stored?.text)).not.toBe('');
      const reads = await outboxReads();
      expect(reads.at(-1)).toEqual({
        actor: expect.stringMatching(/^operator:ops-support-/),
        data: { purpose: null, to: email.toLowerCase(), after: null, limit: 50, count: 2, unredacted: 2 },
      });
      const readsBefore = reads.length;

      const first = await send('GET', '/admin/api/mail-outbox?purpose=email_verification&limit=2', {
        as: support,
        admin: true,
      });
      expect(first.json['mails']).toHaveLength(2);
      expect(first.json['next_cursor']).toEqual(expect.any(String));
      const second = await send(
        'GET',
        `/admin/api/mail-outbox?purpose=email_verification&limit=2&cursor=${first.json['next_cursor']}`,
        { as: support, admin: true },
      );
      const ids = [...first.json['mails'], ...second.json['mails']].map((m: { id: string }) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      const times = [...first.json['mails'], ...second.json['mails']].map((m: { created_at: string }) => m.created_at);
      expect([...times].sort().reverse()).toEqual(times);
      const bad = await send('GET', '/admin/api/mail-outbox?cursor=nonsense', { as: support, admin: true });
      expect(bad).toMatchObject({ status: 400, json: { error: { code: 'request.invalid' } } });
      const later = await outboxReads();
      expect(later).toHaveLength(readsBefore + 2);
      expect(later.at(-1)?.data).toMatchObject({
        purpose: 'email_verification',
        limit: 2,
        after: { id: expect.any(String), createdAt: expect.any(String) },
      });
      expect(await outboxReads()).toHaveLength(readsBefore + 2); // refused reads (403, 401, 400) are not reads
    });
  });

  describe(`mail through SMTP on ${dialect}`, () => {
    let t: TestPlatform;
    let smtp: SmtpTestServer;
    beforeAll(async () => {
      smtp = await startSmtpTestServer({ user: 'visage', password: 'pw', rejectDomain: 'bounce.example' });
      t = await startTestPlatform({
        dialect,
        env: {
          VISAGE_SMTP_URL: smtp.url(),
          VISAGE_MAIL_FROM: 'Visage Test <no-reply@visage.example.com>',
          VISAGE_PUBLIC_URL: publicUrl,
        },
      });
    });
    afterAll(async () => {
      await t.close();
      await smtp.close();
    });
    const { send, register, newestMail, tokenIn, signedInOperator, outboxReads } = browserOf(() => t);

    it('sends the registration mail through SMTP, records it as sent, and says so', async () => {
      expect(await send('GET', '/console/api/mail-mode')).toMatchObject({ status: 200, json: { smtp: true } });
      const { email } = await register();
      await t.services.mailer.drain();
      const [received] = await smtp.waitFor(1);
      // nodemailer writes the domain in lower case.
      expect(received).toMatchObject({
        from: 'no-reply@visage.example.com',
        to: [email.toLowerCase()],
        user: 'visage',
      });
      expect(received?.raw).toMatch(/^From: Visage Test <no-reply@visage\.example\.com>/m);
      const mail = await newestMail(email, 'email_verification');
      expect(mail).toMatchObject({ status: 'sent', error: null, sentAt: expect.any(String) });
      // The delivered mail carries the link (quoted-printable may fold the line); the outbox keeps it redacted, as
      // the token is the recipient's now and would otherwise sit in the database in plain text.
      const token = tokenIn(received?.raw.replace(/=\r\n/g, '').replace(/=3D/g, '='));
      expect(token).toMatch(/^[\w-]{40,}$/);
      expect(mail?.text).toContain('/console/verify-email?token=[redacted]');
      expect(mail?.text).not.toContain(token);
    });

    it('shows the operator delivered mails with their tokens redacted, and audits the read', async () => {
      const { email } = await register('Delivered.Person@Example.com');
      await send('POST', '/console/api/password-reset', {
        body: { username_or_email: email },
        remoteAddress: '192.0.2.88',
      });
      await t.services.afterReply.drain();
      await t.services.mailer.drain();
      const stored = await newestMail(email, 'password_reset');
      expect(stored).toMatchObject({ status: 'sent' });
      const delivered = (await smtp.waitFor(1))
        .filter(
          (mail) => mail.to.some((to) => to.toLowerCase() === email.toLowerCase()) && /reset-password/.test(mail.raw),
        )
        .at(-1);
      const token = tokenIn(delivered?.raw.replace(/=\r\n/g, '').replace(/=3D/g, '='));
      expect(token).toMatch(/^[\w-]{40,}$/);
      const support = await signedInOperator('support');
      const page = await send('GET', `/admin/api/mail-outbox?to=${encodeURIComponent(email)}`, {
        as: support,
        admin: true,
      });
      expect(page.status).toBe(200);
      const mails = page.json['mails'] as { purpose: string; status: string; text: string }[];
      expect(mails.map((m) => [m.purpose, m.status])).toEqual([
        ['password_reset', 'sent'],
        ['email_verification', 'sent'],
      ]);
      for (const mail of mails) {
        expect(mail.text).toContain('?token=[redacted]');
        expect(mail.text).not.toMatch(/token=(?!\[redacted\])/);
      }
      expect(JSON.stringify(page.json)).not.toContain(token);
      expect((await outboxReads()).at(-1)).toEqual({
        actor: expect.stringMatching(/^operator:ops-support-/),
        data: { purpose: null, to: email, after: null, limit: 50, count: 2, unredacted: 0 },
      });
      // A mail the SMTP server refused never reached anyone: the operator may have to relay it.
      const { email: bounced } = await register('someone-else@bounce.example');
      await t.services.mailer.drain();
      const failed = await send('GET', `/admin/api/mail-outbox?to=${encodeURIComponent(bounced)}`, {
        as: support,
        admin: true,
      });
      expect(failed.json['mails'][0]).toMatchObject({ status: 'failed', text: expect.stringMatching(/token=[\w-]+/) });
    });

    it('records a mail the SMTP server refuses as failed, with its answer', async () => {
      const { email } = await register('someone@bounce.example');
      await t.services.mailer.drain();
      const mail = await newestMail(email, 'email_verification');
      expect(mail).toMatchObject({ status: 'failed', error: expect.stringContaining('550'), sentAt: null });
    });
  });

  describe(`registration and reset limits on ${dialect}`, () => {
    let t: TestPlatform;
    beforeAll(async () => {
      t = await startTestPlatform({ dialect, env: { VISAGE_REGISTRATIONS_PER_IP_PER_HOUR: '3' } });
    });
    afterAll(() => t.close());
    const { send } = browserOf(() => t);
    let made = 0;
    const registerFrom = (remoteAddress: string, email = `limits-${made + 1}@example.com`) => {
      const username = `limits-${++made}`;
      return send('POST', '/console/api/register', {
        body: { org_name: `Org ${username}`, username, email, mobile: '+8613800000000', password },
        remoteAddress,
      });
    };
    const mailsTo = async (to: string, purpose: string) => {
      await t.services.afterReply.drain();
      return (await t.services.mailOutbox.list({ to, purpose, limit: 50 })).mails.length;
    };

    it('limits registrations per client address and hour, with Retry-After', async () => {
      for (let i = 0; i < 3; i++) expect((await registerFrom('198.51.100.40')).status).toBe(201);
      const fourth = await registerFrom('198.51.100.40');
      expect(fourth).toMatchObject({ status: 429, json: { error: { code: 'account.registration_rate_limited' } } });
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(3500);
      // Another address is not held back.
      expect((await registerFrom('198.51.100.41')).status).toBe(201);
    });

    it('mails one address at most five verification links a day, whoever registers with it', async () => {
      const victim = 'Flooded.Person@Example.com';
      for (let i = 0; i < 7; i++) {
        // From many addresses, so the per-address registration limit is not what stops the mails.
        const registered = await registerFrom(`203.0.113.${100 + i}`, i % 2 ? victim.toLowerCase() : victim);
        expect(registered.status).toBe(201);
      }
      expect(await mailsTo(victim, 'email_verification')).toBe(5);
      expect(await mailsTo('other-person@example.com', 'email_verification')).toBe(0);
      expect((await registerFrom('203.0.113.120', 'other-person@example.com')).status).toBe(201);
      expect(await mailsTo('other-person@example.com', 'email_verification')).toBe(1);
    });

    it('answers a password reset before looking the account up, and does the work after', async () => {
      const email = `reset-${made + 1}@example.com`;
      expect((await registerFrom('192.0.2.140', email)).status).toBe(201);
      const { passwordReset } = t.services;
      const original = passwordReset.request;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = false;
      passwordReset.request = async (...args) => {
        started = true;
        await gate;
        return original(...args);
      };
      try {
        const answered = await Promise.race([
          send('POST', '/console/api/password-reset', { body: { username_or_email: email } }),
          new Promise<'waited for the work'>((resolve) => setTimeout(() => resolve('waited for the work'), 2000)),
        ]);
        // The answer went out while the reset's work was held at the gate (or had not begun).
        expect(answered).toMatchObject({ status: 202, json: { accepted: true } });
        expect((await t.services.mailOutbox.list({ to: email, purpose: 'password_reset' })).mails).toEqual([]);
        release();
        expect(await mailsTo(email, 'password_reset')).toBe(1);
        expect(started).toBe(true);
      } finally {
        release();
        passwordReset.request = original;
      }
    });
  });
}
