import { noticeKindValues } from '@visage/contracts';

/**
 * In-site notices: an organisation's inbox. System notices carry a kind and data that the console renders in the
 * reader's language; announcements carry the operator's own title and body. With `email`, each recipient
 * organisation's users with an email address also get it by mail (through the Mailer port, so the outbox when no
 * SMTP server is configured).
 */
export const noticeKinds = noticeKindValues;
export type NoticeKind = (typeof noticeKinds)[number];

export type NoticeData = Readonly<Record<string, string | number | boolean | null>>;

export interface NoticeRequest {
  /** 'all': every organisation that is not terminated. */
  readonly orgIds: readonly string[] | 'all';
  readonly kind: NoticeKind;
  readonly data?: NoticeData;
  /** Announcements: the operator's text, shown as written. System kinds leave these out. */
  readonly title?: string;
  readonly body?: string;
  readonly email?: boolean;
}

export interface NoticeSender {
  /** Returns how many organisations it reached. */
  notify(request: NoticeRequest): Promise<{ readonly count: number }>;
}

/** What `notify` answers beyond the count: how many mails went to the Mailer, and how many it refused. */
export interface NoticeOutcome {
  readonly count: number;
  readonly noticeId?: string;
  readonly mailed?: number;
  readonly mailFailures?: number;
}

/** One stored notice (the message itself; who received it is in the inbox rows). */
export interface StoredNotice {
  readonly id: string;
  readonly kind: NoticeKind;
  readonly title: string | null;
  readonly body: string | null;
  readonly data: NoticeData;
  readonly audience: 'all' | 'orgs';
  readonly email: boolean;
  /** The operator's actor for announcements; null for system notices. */
  readonly sentBy: string | null;
  readonly createdAt: string;
}

export interface SentNotice extends StoredNotice {
  readonly recipientCount: number;
}

/** A notice as one organisation's inbox holds it. */
export interface InboxNotice extends StoredNotice {
  readonly readAt: string | null;
}

/** The position after the last row of a page, newest first (by createdAt, then id). */
export interface NoticePosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface NoticePage {
  readonly after?: NoticePosition | undefined;
  readonly limit: number;
}

export interface NoticeRepository {
  /**
   * Stores the notice and one inbox row per recipient, in one transaction: for 'all', every organisation that is not
   * terminated; otherwise the listed organisations that exist (whatever their status). Returns the recipients' ids.
   */
  insert(notice: StoredNotice, orgIds: readonly string[] | 'all'): Promise<string[]>;
  /** The organisation's inbox, newest first. */
  inbox(orgId: string, page: NoticePage): Promise<InboxNotice[]>;
  unreadCount(orgId: string): Promise<number>;
  /** False when the notice is not in the organisation's inbox (marking a read notice again is true). */
  markRead(orgId: string, noticeId: string, at: string): Promise<boolean>;
  /** Returns how many notices it marked. */
  markAllRead(orgId: string, at: string): Promise<number>;
  /** Notices of one kind, newest first, with how many organisations received each. */
  listSent(kind: NoticeKind, page: NoticePage): Promise<SentNotice[]>;
  /**
   * The distinct email addresses of the organisations' users whose address is verified (email_verified_at set) and
   * who are not disabled: notices are never mailed to an address nobody has proved to own.
   */
  recipientEmails(orgIds: readonly string[]): Promise<string[]>;
}
