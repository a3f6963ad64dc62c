import type { OutboxMail } from '@visage/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpTestServer, type SmtpTestServer } from '../testing/smtp-test-server.js';
import { createMailer, smtpTransport } from './mailer.js';
import { nodeCrypto } from './node-crypto.js';

function memoryOutbox() {
  const mails = new Map<string, OutboxMail>();
  return {
    mails,
    insert: async (mail: OutboxMail) => void mails.set(mail.id, mail),
    settle: async (id: string, outcome: Pick<OutboxMail, 'status' | 'error' | 'sentAt'> & { text?: string }) =>
      void mails.set(id, { ...mails.get(id)!, ...outcome }),
  };
}

/** The body of a quoted-printable text/plain message, decoded. */
function quotedPrintableBody(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4).replace(/=\r\n/g, '');
  const bytes = body.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

const clock = { now: () => new Date('2026-11-29T10:00:00Z') };
const message = {
  to: 'bob@acme.example',
  subject: 'Visage：验证您的邮箱 / Verify your email address',
  text: '您好 bob：\nhttp://127.0.0.1:8080/console/verify-email?token=abc\n',
  purpose: 'email_verification',
};

describe('the mailer', () => {
  let smtp: SmtpTestServer | undefined;
  afterEach(async () => {
    await smtp?.close();
    smtp = undefined;
  });

  it('keeps every mail in the outbox, and without SMTP sends nothing', async () => {
    const outbox = memoryOutbox();
    const mailer = createMailer({ outbox, clock, crypto: nodeCrypto, from: 'Visage <no-reply@localhost>' });
    expect(mailer.smtp).toBe(false);
    await mailer.send(message);
    const [stored] = [...outbox.mails.values()];
    expect(stored).toMatchObject({ ...message, status: 'outbox', error: null, sentAt: null });
    expect(stored?.id).toMatch(/^mail_/);
    await mailer.close();
  });

  it('sends through a real SMTP server with the URL’s credentials and records it as sent', async () => {
    smtp = await startSmtpTestServer({ user: 'visage', password: 's3cret pass' });
    const outbox = memoryOutbox();
    const mailer = createMailer({
      outbox,
      clock,
      crypto: nodeCrypto,
      from: 'Visage <no-reply@visage.example>',
      transport: smtpTransport(smtp.url('visage:s3cret%20pass@')),
    });
    expect(mailer.smtp).toBe(true);
    await mailer.send(message);
    await mailer.drain();
    const [received] = await smtp.waitFor(1);
    expect(received).toMatchObject({ from: 'no-reply@visage.example', to: ['bob@acme.example'], user: 'visage' });
    expect(received?.raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(quotedPrintableBody(received?.raw ?? '')).toBe(message.text.replace(/\n/g, '\r\n'));
    expect([...outbox.mails.values()]).toEqual([
      expect.objectContaining({
        status: 'sent',
        error: null,
        sentAt: '2026-11-29T10:00:00.000Z',
        // Delivered: the stored copy no longer holds a usable token.
        text: '您好 bob：\nhttp://127.0.0.1:8080/console/verify-email?token=[redacted]\n',
      }),
    ]);
    await mailer.close();
  });

  it('records a refused recipient, bad credentials and an unreachable server as failed, with the reason', async () => {
    smtp = await startSmtpTestServer({ user: 'visage', password: 'right', rejectDomain: 'nowhere.example' });
    const outbox = memoryOutbox();
    const failing = (url: string) =>
      createMailer({
        outbox,
        clock,
        crypto: nodeCrypto,
        from: 'no-reply@visage.example',
        transport: smtpTransport(url),
      });

    const refused = failing(smtp.url('visage:right@'));
    await refused.send({ ...message, to: 'someone@nowhere.example' });
    await refused.close();
    const wrongPassword = failing(smtp.url('visage:wrong@'));
    await wrongPassword.send(message);
    await wrongPassword.close();
    // A port nothing listens on: connect() is refused at once.
    const closed = await startSmtpTestServer();
    const deadPort = closed.port;
    await closed.close();
    const unreachable = failing(`smtp://127.0.0.1:${deadPort}`);
    await unreachable.send(message);
    await unreachable.close();

    const outcomes = [...outbox.mails.values()].map((m) => [m.status, m.error]);
    expect(outcomes).toEqual([
      ['failed', expect.stringContaining('550')],
      ['failed', expect.stringMatching(/auth|Invalid/i)],
      ['failed', expect.stringMatching(/ECONNREFUSED|connect/i)],
    ]);
    expect(smtp.received).toHaveLength(0);
  });
});
