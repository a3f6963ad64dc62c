import {
  complaintFiledSchema,
  complaintListQuerySchema,
  complaintListSchema,
  complaintRequestSchema,
  consentSummarySchema,
  consoleDeletionReceiptSchema,
  consoleIdParam,
  deletionReceiptListQuerySchema,
  deletionReceiptListSchema,
  deletionRequestSchema,
  errorResponseSchema,
  noticeListQuerySchema,
  noticeListSchema,
  noticeUnreadSchema,
} from '@visage/contracts';
import {
  noticeText,
  type Complaint,
  type Complaints,
  type DeletionReceipt,
  type InboxNotice,
  type NoticeLanguage,
  type Notices,
  type Privacy,
} from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { clearSessionCookie, customerOf } from '../http/console-session.js';
import { cursorOf, positionOf } from './console.views.js';

/** What the customer's notices, complaints and privacy pages run on. */
export interface ConsoleNoticeDependencies {
  readonly notices: Pick<Notices, 'inbox' | 'markRead' | 'markAllRead'>;
  readonly complaints: Pick<Complaints, 'file' | 'listOwn'>;
  readonly privacy: Pick<Privacy, 'eraseVerification' | 'eraseSubject' | 'receipts' | 'consentSummary'>;
  readonly secureCookies: boolean;
}

const tags = ['console'];
const security = [{ ConsoleSession: [] }];
const signedInErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const noticeParams = z.object({ notice_id: consoleIdParam });

export const inboxNoticeView = (notice: InboxNotice, language: NoticeLanguage) => ({
  id: notice.id,
  kind: notice.kind,
  ...noticeText(notice, language),
  data: { ...notice.data },
  created_at: notice.createdAt,
  read_at: notice.readAt,
});

export const complaintView = (complaint: Complaint) => ({
  id: complaint.id,
  kind: complaint.kind,
  subject: complaint.subject,
  description: complaint.description,
  contact: complaint.contact,
  status: complaint.status,
  froze_org: complaint.frozeOrg,
  // The customer sees what was decided and when; which operator wrote it stays in the audit log.
  notes: complaint.notes.map((note) => ({ at: note.at, status: note.status, note: note.note })),
  created_at: complaint.createdAt,
  updated_at: complaint.updatedAt,
});

export const consoleReceiptView = (receipt: DeletionReceipt) => ({
  receipt_id: receipt.id,
  scope: receipt.scope,
  target: receipt.target,
  erased: { ...receipt.erased },
  erased_at: receipt.createdAt,
  actor: receipt.actor,
});

/**
 * Notices (inbox), complaints and reports, and privacy, inside the customer scope of console.routes.ts (signed in,
 * CSRF-checked). None of these is refused to a suspended or frozen organisation: it can still read its notices,
 * follow its complaints and honour its end users' deletion requests.
 */
export function registerConsoleNoticeRoutes(
  scope: FastifyInstance,
  deps: { readonly console: ConsoleNoticeDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/notices',
    {
      schema: {
        summary: 'The organisation’s notices, newest first, with the count of unread ones',
        tags,
        security,
        querystring: noticeListQuerySchema,
        response: { 200: noticeListSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { cursor, limit, lang = 'zh-CN' } = request.query;
      const page = await deps.console.notices.inbox(customerOf(request).orgId, {
        ...(cursor === undefined ? {} : { after: positionOf(cursor) }),
        ...(limit === undefined ? {} : { limit }),
      });
      return {
        notices: page.notices.map((notice) => inboxNoticeView(notice, lang)),
        unread_count: page.unreadCount,
        next_cursor: page.next ? cursorOf(page.next) : null,
      };
    },
  );

  app.post(
    '/console/api/notices/:notice_id/read',
    {
      schema: {
        summary: 'Mark one notice read (marking it again changes nothing)',
        tags,
        security,
        params: noticeParams,
        response: { 200: noticeUnreadSchema, ...signedInErrors, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const { unreadCount } = await deps.console.notices.markRead(customerOf(request).orgId, request.params.notice_id);
      return { unread_count: unreadCount };
    },
  );

  app.post(
    '/console/api/notices/read-all',
    {
      schema: {
        summary: 'Mark every notice read',
        tags,
        security,
        response: { 200: noticeUnreadSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { marked, unreadCount } = await deps.console.notices.markAllRead(customerOf(request).orgId);
      return { unread_count: unreadCount, marked };
    },
  );

  app.post(
    '/console/api/complaints',
    {
      schema: {
        summary: 'Report misuse, an infringement, or a compromised account',
        description:
          'A compromised_account report freezes the organisation at once: live keys are refused (org.frozen; sandbox keys keep working) and every session of its users is revoked, this one included (`signed_out`: the cookie is cleared). Until an operator has reviewed the report, signing in is refused too (org.frozen), so that whoever holds the password cannot come back; a password reset stays possible for the real owner. The operator lifts the freeze when resolving the report, and signing in works again.',
        tags,
        security,
        body: complaintRequestSchema,
        response: { 201: complaintFiledSchema, ...signedInErrors },
      },
    },
    async (request, reply) => {
      const { user, orgId, actor } = customerOf(request);
      const { kind, subject, description, contact } = request.body;
      const filed = await deps.console.complaints.file({
        orgId,
        userId: user.id,
        actor,
        kind,
        subject,
        description,
        contact,
      });
      if (filed.frozen) clearSessionCookie(reply, { secure: deps.console.secureCookies });
      return reply.status(201).send({ ...complaintView(filed.complaint), signed_out: filed.frozen });
    },
  );

  app.get(
    '/console/api/complaints',
    {
      schema: {
        summary: 'The organisation’s complaints and reports, newest first, with the operator’s notes',
        tags,
        security,
        querystring: complaintListQuerySchema,
        response: { 200: complaintListSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query;
      const page = await deps.console.complaints.listOwn(customerOf(request).orgId, {
        ...(cursor === undefined ? {} : { after: positionOf(cursor) }),
        ...(limit === undefined ? {} : { limit }),
      });
      return { complaints: page.complaints.map(complaintView), next_cursor: page.next ? cursorOf(page.next) : null };
    },
  );

  app.post(
    '/console/api/deletion-requests',
    {
      schema: {
        summary: 'Erase a verification, or everything kept about one end user; returns the deletion receipt',
        description:
          'The console acts for the whole organisation. verification_id: that verification’s images, templates and result, whichever app or key mode made it (verification.not_found when it is not the organisation’s). subject_ref: every verification and consent of that end user across all the organisation’s apps, sandbox and live — a receipt is issued even when nothing was kept. The same erasure as DELETE /v1/verifications/{id} and DELETE /v1/subjects/{ref}.',
        tags,
        security,
        body: deletionRequestSchema,
        response: { 201: consoleDeletionReceiptSchema, ...signedInErrors, 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const { body } = request;
      const receipt =
        'verification_id' in body
          ? await deps.console.privacy.eraseVerification(orgId, body.verification_id, actor)
          : await deps.console.privacy.eraseSubject(orgId, body.subject_ref, actor);
      return reply.status(201).send(consoleReceiptView(receipt));
    },
  );

  app.get(
    '/console/api/deletion-receipts',
    {
      schema: {
        summary: 'The organisation’s deletion receipts (console and API requests), newest first',
        tags,
        security,
        querystring: deletionReceiptListQuerySchema,
        response: { 200: deletionReceiptListSchema, ...signedInErrors },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query;
      const page = await deps.console.privacy.receipts(customerOf(request).orgId, {
        ...(cursor === undefined ? {} : { after: positionOf(cursor) }),
        ...(limit === undefined ? {} : { limit }),
      });
      return { receipts: page.receipts.map(consoleReceiptView), next_cursor: page.next ? cursorOf(page.next) : null };
    },
  );

  app.get(
    '/console/api/consents/summary',
    {
      schema: {
        summary: 'How many consent records the organisation holds, by app and month (counts only)',
        tags,
        security,
        response: { 200: consentSummarySchema, ...signedInErrors },
      },
    },
    async (request) => {
      const summary = await deps.console.privacy.consentSummary(customerOf(request).orgId);
      return {
        months: summary.months.map((each) => ({
          app_id: each.appId,
          app_name: each.appName,
          month: each.month,
          count: each.count,
        })),
        total: summary.total,
      };
    },
  );
}
