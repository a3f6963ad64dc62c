import type { AuditEntryInput } from '../audit/audit-entry.js';
import type { MailOutboxRepository, MailPosition, OutboxMail } from './mail-outbox.ports.js';

export const defaultMailPageSize = 50;
export const maxMailPageSize = 200;

export interface MailPage {
  readonly mails: OutboxMail[];
  /** Where the next page starts; undefined on the last page. */
  readonly next: MailPosition | undefined;
}

export interface MailPageQuery {
  readonly purpose?: string | undefined;
  readonly to?: string | undefined;
  readonly limit?: number | undefined;
  readonly after?: MailPosition | undefined;
}

const pageLimit = (limit: number | undefined) => Math.min(Math.max(1, limit ?? defaultMailPageSize), maxMailPageSize);

/** What stands in for a link's token in a mail the operator reads but need not relay. */
export const redactedToken = '[redacted]';

/** The mail's text with the value of every `token=` query parameter (verification, reset links) replaced. */
export function redactTokens(text: string): string {
  return text.replace(/([?&#]token=)[^&#\s]+/g, `$1${redactedToken}`);
}

/**
 * What the operator reads: the outbox, newest first, filtered by purpose and recipient. A mail that SMTP delivered
 * ('sent') reached its owner, so the operator sees it with its links' tokens redacted: reading the outbox must not
 * let an operator take over an account through a password-reset link (support can trigger one for anyone). Mails kept
 * only here ('outbox': no SMTP configured) or that failed must be relayed by the operator, so they stay readable; every
 * read is audited instead ('mail.outbox.read': who, which filters, how many mails).
 */
export function createMailOutbox(ports: {
  repo: Pick<MailOutboxRepository, 'list'>;
  audit: { record(entry: AuditEntryInput): Promise<unknown> };
}) {
  const { repo, audit } = ports;

  async function list(query: MailPageQuery): Promise<MailPage> {
    const limit = pageLimit(query.limit);
    const to = query.to?.trim() || undefined;
    const purpose = query.purpose?.trim() || undefined;
    // One more than asked tells whether another page follows.
    const rows = await repo.list({ purpose, to, limit: limit + 1, after: query.after });
    const mails = rows.slice(0, limit);
    const last = mails.at(-1);
    return { mails, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined };
  }

  return {
    /** The stored mails as they are (tokens included): for the platform itself, never for an operator's screen. */
    list,

    /** The operator's read: delivered mails' tokens redacted, and the read audited. */
    async readAsOperator(query: MailPageQuery, actor: string): Promise<MailPage> {
      const page = await list(query);
      const mails = page.mails.map((mail) =>
        mail.status === 'sent' ? { ...mail, text: redactTokens(mail.text) } : mail,
      );
      await audit.record({
        actor,
        action: 'mail.outbox.read',
        data: {
          purpose: query.purpose?.trim() || null,
          to: query.to?.trim() || null,
          after: query.after ?? null,
          limit: pageLimit(query.limit),
          count: mails.length,
          unredacted: mails.filter((mail) => mail.status !== 'sent').length,
        },
      });
      return { ...page, mails };
    },
  };
}

export type MailOutbox = ReturnType<typeof createMailOutbox>;
