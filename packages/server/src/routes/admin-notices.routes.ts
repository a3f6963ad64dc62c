import {
  adminComplaintListQuerySchema,
  adminComplaintListSchema,
  adminComplaintSchema,
  announcementListQuerySchema,
  announcementListSchema,
  announcementRequestSchema,
  announcementSentSchema,
  complaintUpdatedSchema,
  complaintUpdateRequestSchema,
  consoleIdParam,
  errorResponseSchema,
} from '@visage/contracts';
import type { ComplaintWithOrg, Complaints, Notices, SentNotice } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allow, operatorOf } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';
import { cursorOf, positionOf } from './console.views.js';

/** What the operator's announcements and complaints pages run on. */
export interface NoticesAdminDependencies {
  readonly notices: Pick<Notices, 'announce' | 'sent'>;
  readonly complaints: Pick<Complaints, 'list' | 'get' | 'update'>;
}

const complaintParams = z.object({ complaint_id: consoleIdParam });

const announcementView = (notice: SentNotice) => ({
  id: notice.id,
  title: notice.title ?? '',
  body: notice.body ?? '',
  audience: notice.audience,
  email: notice.email,
  recipient_count: notice.recipientCount,
  sent_by: notice.sentBy,
  created_at: notice.createdAt,
});

export const adminComplaintView = (complaint: ComplaintWithOrg) => ({
  id: complaint.id,
  org_id: complaint.orgId,
  org_name: complaint.orgName,
  user_id: complaint.userId,
  kind: complaint.kind,
  subject: complaint.subject,
  description: complaint.description,
  contact: complaint.contact,
  status: complaint.status,
  froze_org: complaint.frozeOrg,
  notes: complaint.notes.map((note) => ({ ...note })),
  created_at: complaint.createdAt,
  updated_at: complaint.updatedAt,
});

export function registerAdminNoticeRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: NoticesAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/admin/api/announcements',
    {
      preHandler: allow('announcements.send'),
      schema: {
        summary: 'Broadcast an announcement to every customer, or to the listed ones: inbox, and mail if asked',
        description:
          'Without org_ids it reaches every organisation that is not terminated; listed ids that do not exist are skipped (recipient_count says how many it reached). Audited.',
        tags,
        security,
        body: announcementRequestSchema,
        response: { 201: announcementSentSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const { actor } = operatorOf(request);
      const outcome = await deps.admin.notices.announce({
        title: body.title,
        body: body.body,
        ...(body.org_ids === undefined ? {} : { orgIds: body.org_ids }),
        email: body.email,
        actor,
        ...(body.reason === undefined ? {} : { reason: body.reason }),
      });
      return reply.status(201).send({
        ...announcementView(outcome.notice),
        mailed: outcome.mailed ?? 0,
        mail_failures: outcome.mailFailures ?? 0,
      });
    },
  );

  app.get(
    '/admin/api/announcements',
    {
      preHandler: allow('announcements.send'),
      schema: {
        summary: 'Announcements sent, newest first, with how many organisations each reached',
        tags,
        security,
        querystring: announcementListQuerySchema,
        response: { 200: announcementListSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { cursor, limit } = request.query;
      const page = await deps.admin.notices.sent('announcement', {
        ...(cursor === undefined ? {} : { after: positionOf(cursor) }),
        ...(limit === undefined ? {} : { limit }),
      });
      return { announcements: page.notices.map(announcementView), next_cursor: page.next ? cursorOf(page.next) : null };
    },
  );

  app.get(
    '/admin/api/complaints',
    {
      preHandler: allow('complaints.handle'),
      schema: {
        summary: 'The complaints queue, newest first, optionally of one status',
        tags,
        security,
        querystring: adminComplaintListQuerySchema,
        response: { 200: adminComplaintListSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { status, cursor, limit } = request.query;
      const page = await deps.admin.complaints.list({
        ...(status === undefined ? {} : { status }),
        ...(cursor === undefined ? {} : { after: positionOf(cursor) }),
        ...(limit === undefined ? {} : { limit }),
      });
      return {
        complaints: page.complaints.map(adminComplaintView),
        next_cursor: page.next ? cursorOf(page.next) : null,
      };
    },
  );

  app.get(
    '/admin/api/complaints/:complaint_id',
    {
      preHandler: allow('complaints.handle'),
      schema: {
        summary: 'One complaint with its notes',
        tags,
        security,
        params: complaintParams,
        response: { 200: adminComplaintSchema, ...adminErrors, 404: errorResponseSchema },
      },
    },
    async (request) => adminComplaintView(await deps.admin.complaints.get(request.params.complaint_id)),
  );

  app.post(
    '/admin/api/complaints/:complaint_id',
    {
      preHandler: allow('complaints.handle'),
      schema: {
        summary: 'Move a complaint on (in_progress, resolved, dismissed) with a note; the customer is notified',
        description:
          'The note is shown to the customer and audited as the reason. Resolving or dismissing a compromised-account report lifts the organisation’s freeze (unless another open report froze it too). Resolved and dismissed complaints are closed (complaint.closed).',
        tags,
        security,
        params: complaintParams,
        body: complaintUpdateRequestSchema,
        response: { 200: complaintUpdatedSchema, ...adminErrors, 404: errorResponseSchema, 409: errorResponseSchema },
      },
    },
    async (request) => {
      const { complaint, unfrozen } = await deps.admin.complaints.update(request.params.complaint_id, {
        status: request.body.status,
        note: request.body.note,
        actor: operatorOf(request).actor,
      });
      return { ...adminComplaintView(complaint), unfrozen };
    },
  );
}
