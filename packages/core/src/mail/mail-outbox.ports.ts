/** The mail outbox: every message the platform sends, and what became of it. Times are ISO-8601 UTC strings. */

export const mailStatuses = ['outbox', 'sent', 'failed'] as const;
/** outbox: kept only here (no SMTP configured); sent: the SMTP server accepted it; failed: it refused or was unreachable. */
export type MailStatus = (typeof mailStatuses)[number];

export interface OutboxMail {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly purpose: string;
  readonly status: MailStatus;
  /** Why sending failed (the SMTP server's answer or the connection error); null otherwise. */
  readonly error: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
}

export interface MailPosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface MailQuery {
  readonly purpose?: string | undefined;
  /** Compared ignoring case. */
  readonly to?: string | undefined;
  readonly limit: number;
  /** Mails strictly older than this position (newest first order). */
  readonly after?: MailPosition | undefined;
}

export interface MailOutboxRepository {
  insert(mail: OutboxMail): Promise<void>;
  /** Records the outcome of sending; `text`, when given, replaces the stored text (a sent mail's, tokens redacted). */
  settle(
    id: string,
    outcome: { status: 'sent' | 'failed'; error: string | null; sentAt: string | null; text?: string },
  ): Promise<void>;
  /** Newest first. */
  list(query: MailQuery): Promise<OutboxMail[]>;
  /** Deletes mails created before `before` (the retention sweep); returns how many. */
  deleteCreatedBefore(before: string): Promise<number>;
}
