import type { AuditRecorder } from '../verification/verification.service.js';
import { DomainError } from '../domain-error.js';
import { rejectIssues, type ValidationIssue } from '../invalid-request.js';
import type { Clock, Crypto, Mailer } from '../ports.js';
import { noticeMail } from './notice-text.js';
import type {
  InboxNotice,
  NoticeKind,
  NoticeOutcome,
  NoticePosition,
  NoticeRepository,
  NoticeRequest,
  NoticeSender,
  SentNotice,
  StoredNotice,
} from './notices.ports.js';

export const defaultNoticePageSize = 50;
export const maxNoticePageSize = 200;
export const maxAnnouncementTitle = 200;
export const maxAnnouncementBody = 10_000;

export interface InboxPage {
  readonly notices: InboxNotice[];
  readonly unreadCount: number;
  readonly next: NoticePosition | undefined;
}

export interface Announcement {
  readonly title: string;
  readonly body: string;
  /** Absent: every organisation that is not terminated. */
  readonly orgIds?: readonly string[];
  readonly email: boolean;
  readonly actor: string;
  readonly reason?: string;
}

/**
 * The Notices service: the platform's NoticeSender (system notices from other services, the operator's
 * announcements) and each organisation's inbox. Mail goes out after the notice is stored; a mail the Mailer refuses
 * is counted, not thrown, so a notice never fails half-way because of one bad address.
 */
export function createNotices(ports: {
  repo: NoticeRepository;
  mailer: Mailer;
  clock: Clock;
  crypto: Pick<Crypto, 'randomId'>;
  audit: AuditRecorder;
}) {
  const { repo, mailer, clock, crypto, audit } = ports;

  async function send(
    request: NoticeRequest,
    sentBy: string | null,
  ): Promise<NoticeOutcome & { noticeId: string; notice: SentNotice }> {
    const id = crypto.randomId('ntc');
    const notice: StoredNotice = {
      id,
      kind: request.kind,
      title: request.title ?? null,
      body: request.body ?? null,
      data: request.data ?? {},
      audience: request.orgIds === 'all' ? 'all' : 'orgs',
      email: request.email === true,
      sentBy,
      createdAt: clock.now().toISOString(),
    };
    const recipients =
      request.orgIds !== 'all' && request.orgIds.length === 0 ? [] : await repo.insert(notice, request.orgIds);
    let mailed = 0;
    let mailFailures = 0;
    if (notice.email && recipients.length > 0) {
      const { subject, text } = noticeMail(notice);
      for (const to of await repo.recipientEmails(recipients)) {
        try {
          await mailer.send({ to, subject, text, purpose: `notice:${notice.kind}` });
          mailed += 1;
        } catch {
          mailFailures += 1;
        }
      }
    }
    const sent: SentNotice = { ...notice, recipientCount: recipients.length };
    return { count: recipients.length, noticeId: id, notice: sent, mailed, mailFailures };
  }

  return {
    /** NoticeSender: a system notice (no sender). */
    notify: async (request: NoticeRequest): Promise<NoticeOutcome> => {
      const { count, noticeId, mailed, mailFailures } = await send(request, null);
      return { count, noticeId, mailed, mailFailures };
    },

    /** The operator's message to every organisation, or to the listed ones; audited. */
    async announce(input: Announcement): Promise<NoticeOutcome & { noticeId: string; notice: SentNotice }> {
      const title = input.title.trim();
      const body = input.body.trim();
      const issues: ValidationIssue[] = [];
      if (title.length === 0 || title.length > maxAnnouncementTitle) {
        issues.push({ path: 'title', message: `must be 1-${maxAnnouncementTitle} characters` });
      }
      if (body.length === 0 || body.length > maxAnnouncementBody) {
        issues.push({ path: 'body', message: `must be 1-${maxAnnouncementBody} characters` });
      }
      if (input.orgIds !== undefined && input.orgIds.length === 0) {
        issues.push({ path: 'org_ids', message: 'must name at least one organisation, or be left out for all' });
      }
      const reason = input.reason?.trim();
      if (reason !== undefined && reason.length > 500)
        issues.push({ path: 'reason', message: 'must be 0-500 characters' });
      rejectIssues(issues);
      const orgIds = input.orgIds === undefined ? ('all' as const) : [...new Set(input.orgIds)];
      const outcome = await send({ orgIds, kind: 'announcement', title, body, email: input.email }, input.actor);
      await audit.record({
        actor: input.actor,
        action: 'announcement.send',
        subject: outcome.noticeId,
        ...(reason ? { reason } : {}),
        data: {
          title,
          audience: orgIds === 'all' ? 'all' : orgIds,
          email: input.email,
          recipients: outcome.count,
          mailed: outcome.mailed ?? 0,
        },
      });
      return outcome;
    },

    async inbox(orgId: string, page: { after?: NoticePosition; limit?: number } = {}): Promise<InboxPage> {
      const limit = pageSize(page.limit);
      const [rows, unreadCount] = await Promise.all([
        repo.inbox(orgId, { after: page.after, limit: limit + 1 }),
        repo.unreadCount(orgId),
      ]);
      const notices = rows.slice(0, limit);
      const last = notices.at(-1);
      return {
        notices,
        unreadCount,
        next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined,
      };
    },

    async markRead(orgId: string, noticeId: string): Promise<{ unreadCount: number }> {
      if (!(await repo.markRead(orgId, noticeId, clock.now().toISOString()))) throw new DomainError('notice.not_found');
      return { unreadCount: await repo.unreadCount(orgId) };
    },

    async markAllRead(orgId: string): Promise<{ marked: number; unreadCount: number }> {
      const marked = await repo.markAllRead(orgId, clock.now().toISOString());
      return { marked, unreadCount: await repo.unreadCount(orgId) };
    },

    async sent(
      kind: NoticeKind,
      page: { after?: NoticePosition; limit?: number } = {},
    ): Promise<{ notices: SentNotice[]; next: NoticePosition | undefined }> {
      const limit = pageSize(page.limit);
      const rows = await repo.listSent(kind, { after: page.after, limit: limit + 1 });
      const notices = rows.slice(0, limit);
      const last = notices.at(-1);
      return { notices, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : undefined };
    },
  };
}

export type Notices = ReturnType<typeof createNotices>;

// The service is the platform's NoticeSender.
const _isSender: (notices: Notices) => NoticeSender = (notices) => notices;
void _isSender;

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return defaultNoticePageSize;
  return Math.min(Math.max(1, Math.trunc(limit)), maxNoticePageSize);
}
