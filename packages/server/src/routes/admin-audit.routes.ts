import { adminAuditPageSchema, adminAuditQuerySchema, adminAuditVerificationSchema } from '@visage/contracts';
import { DomainError, type AuditBrowser } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { allow } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';
import { auditBeforeOf, auditEntryView } from './admin.views.js';

export interface AuditAdminDependencies {
  readonly auditLog: AuditBrowser;
}

export function registerAdminAuditRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: AuditAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/audit',
    {
      preHandler: allow('audit.read'),
      schema: {
        summary: 'The audit log, newest first, filtered by actor, action (or "prefix."), subject and time',
        tags,
        security,
        querystring: adminAuditQuerySchema,
        response: { 200: adminAuditPageSchema, ...adminErrors },
      },
    },
    async (request) => {
      const { actor, action, subject, from, to, limit, cursor } = request.query;
      const page = await deps.admin.auditLog.list({
        actor,
        action,
        subject,
        from: from === undefined ? undefined : instant(from, 'from'),
        to: to === undefined ? undefined : instant(to, 'to'),
        before: cursor === undefined ? undefined : auditBeforeOf(cursor),
        limit,
      });
      return {
        entries: page.entries.map(auditEntryView),
        next_cursor: page.nextBefore === undefined ? null : String(page.nextBefore),
      };
    },
  );

  app.post(
    '/admin/api/audit/verification',
    {
      preHandler: allow('audit.read'),
      schema: {
        summary: 'Check the whole hash chain now: names the first entry that does not hold',
        tags,
        security,
        response: { 200: adminAuditVerificationSchema, ...adminErrors },
      },
    },
    async () => {
      const result = await deps.admin.auditLog.verify();
      return {
        ok: result.ok,
        entries: result.entries,
        broken_seq: result.ok ? null : result.brokenSeq,
        reason: result.ok ? null : result.reason,
        checked_at: result.checkedAt,
      };
    },
  );
}

/** A date or date-time as the stored ISO form (a bare date is midnight UTC). */
function instant(text: string, path: string): string {
  const parsed = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(parsed)) {
    throw new DomainError('request.invalid', { issues: [{ path, message: 'must be an ISO-8601 date or date-time' }] });
  }
  return new Date(parsed).toISOString();
}
