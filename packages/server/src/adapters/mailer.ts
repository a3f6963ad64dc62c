import {
  redactTokens,
  type Clock,
  type Crypto,
  type Mailer,
  type MailMessage,
  type MailOutboxRepository,
} from '@visage/core';
import { createTransport } from 'nodemailer';

/** What the mailer hands a message to: nodemailer's SMTP transport in production. */
export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
  close(): void;
}

export interface PlatformMailer extends Mailer {
  /** Whether mails leave the server (SMTP configured) or only land in the outbox. */
  readonly smtp: boolean;
  /** Resolves when every delivery started so far has been settled in the outbox. */
  drain(): Promise<void>;
  /** Waits for the deliveries in flight, then closes the SMTP connections. */
  close(): Promise<void>;
}

// A slow or unreachable SMTP server must not hold a mail (or a shutdown) for nodemailer's default minutes.
const smtpTimeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
const maxErrorLength = 1000;

export function smtpTransport(smtpUrl: string): MailTransport {
  return createTransport({ url: smtpUrl, ...smtpTimeouts });
}

/**
 * The Mailer port: every message is stored in the mail outbox first (status 'outbox'). With a transport (SMTP
 * configured), it is then sent in the background, and the outbox records 'sent' (its links' tokens then redacted
 * in the stored text) or 'failed' with the reason. `send`
 * does not wait for SMTP: a request that mails something takes no longer, whatever the SMTP server does, and its
 * timing does not tell whether a mail went out.
 */
export function createMailer(ports: {
  outbox: Pick<MailOutboxRepository, 'insert' | 'settle'>;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  from: string;
  transport?: MailTransport | undefined;
  log?: { warn(details: object, message: string): void; error(details: object, message: string): void };
}): PlatformMailer {
  const { outbox, clock, crypto, from, transport, log } = ports;
  const inFlight = new Set<Promise<void>>();

  async function deliver(id: string, message: MailMessage, via: MailTransport): Promise<void> {
    let outcome: { status: 'sent' | 'failed'; error: string | null; sentAt: string | null; text?: string };
    try {
      await via.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
      // Delivered: the link's token is its owner's now. Kept in the outbox it would be a live credential in
      // plain text (account tokens are otherwise stored only hashed): a database dump or backup could open it.
      outcome = { status: 'sent', error: null, sentAt: clock.now().toISOString(), text: redactTokens(message.text) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log?.warn({ mail_id: id, purpose: message.purpose, error: reason }, 'mail not sent');
      outcome = { status: 'failed', error: reason.slice(0, maxErrorLength), sentAt: null };
    }
    try {
      await outbox.settle(id, outcome);
    } catch (error) {
      log?.error({ mail_id: id, err: error }, 'mail outcome not recorded');
    }
  }

  const drain = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
  };

  return {
    smtp: transport !== undefined,

    async send(message) {
      const id = crypto.randomId('mail');
      await outbox.insert({
        id,
        to: message.to,
        subject: message.subject,
        text: message.text,
        purpose: message.purpose,
        status: 'outbox',
        error: null,
        createdAt: clock.now().toISOString(),
        sentAt: null,
      });
      if (!transport) return;
      const delivery = deliver(id, message, transport).finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    },

    drain,

    async close() {
      await drain();
      transport?.close();
    },
  };
}
