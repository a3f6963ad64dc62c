import {
  certificationApprovalRequestSchema,
  certificationDecisionSchema,
  certificationIdParam,
  certificationQueueQuerySchema,
  certificationQueueSchema,
  certificationRejectionRequestSchema,
  certificationReviewSchema,
  errorResponseSchema,
  industryCatalogueRequestSchema,
  industryListSchema,
  sanctionsImportRequestSchema,
  sanctionsImportSchema,
  sanctionsListsSchema,
} from '@visage/contracts';
import { organizationState, type CertificationService, type Organization } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseSanctionsCsv } from '../adapters/sanctions-csv.js';
import { allow, operatorOf } from '../http/operator-session.js';
import { documentHeaders, industryView, reviewView } from './certification.views.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';

export interface CertificationAdminDependencies {
  readonly certification: Pick<
    CertificationService,
    | 'industries'
    | 'replaceIndustries'
    | 'queue'
    | 'review'
    | 'readDocument'
    | 'approve'
    | 'reject'
    | 'importSanctions'
    | 'sanctionsLists'
  >;
}

// As in admin.routes.ts (not imported from there: admin.routes.ts imports this file).
const orgParams = z.object({ org_id: certificationIdParam });
const documentBytes = z.unknown().describe('The document’s bytes, as image/jpeg, image/png or application/pdf.');
const documentParams = orgParams.extend({ document_id: certificationIdParam });
const notFound = { 404: errorResponseSchema };
/** A sanctions import's body (JSON with the CSV text) is capped below the server-wide body limit. */
export const sanctionsImportBodyLimitBytes = 20 * 1024 * 1024;

const decisionView = (org: Organization) => ({
  org_id: org.id,
  state: organizationState(org),
  certification: org.certification,
});

export function registerAdminCertificationRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: CertificationAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/admin/api/industries',
    {
      preHandler: allow('certification.review'),
      schema: {
        summary: 'The industry catalogue customers choose from',
        tags,
        security,
        response: { 200: industryListSchema, ...adminErrors },
      },
    },
    async () => ({ industries: (await deps.admin.certification.industries()).map(industryView) }),
  );

  app.put(
    '/admin/api/industries',
    {
      preHandler: allow('certification.review'),
      schema: {
        summary: 'Replace the industry catalogue and the licences each industry requires',
        description: 'Applications that chose a removed industry must choose again before they can be submitted.',
        tags,
        security,
        body: industryCatalogueRequestSchema,
        response: { 200: industryListSchema, ...adminErrors },
      },
    },
    async (request) => {
      const catalogue = request.body.industries.map((industry) => ({
        code: industry.code,
        nameZh: industry.name_zh,
        nameEn: industry.name_en,
        licences: industry.licences.map((l) => ({ code: l.code, nameZh: l.name_zh, nameEn: l.name_en })),
      }));
      const replaced = await deps.admin.certification.replaceIndustries(catalogue, operatorOf(request).actor);
      return { industries: replaced.map(industryView) };
    },
  );

  app.get(
    '/admin/api/certifications',
    {
      preHandler: allow('certification.review'),
      schema: {
        summary: 'The review queue: applications in a certification state (default pending), oldest submission first',
        tags,
        security,
        querystring: certificationQueueQuerySchema,
        response: { 200: certificationQueueSchema, ...adminErrors },
      },
    },
    async (request) => {
      const items = await deps.admin.certification.queue(request.query.status, request.query.limit);
      return {
        applications: items.map((item) => ({
          org_id: item.orgId,
          org_name: item.orgName,
          certification: item.certification,
          company_name: item.companyName,
          industry_code: item.industryCode,
          submitted_at: item.submittedAt,
          match_count: item.matchCount,
        })),
      };
    },
  );

  app.get(
    '/admin/api/certifications/:org_id',
    {
      preHandler: allow('certification.review'),
      schema: {
        summary: 'One application: fields, documents, licence check, sanctions screening matches and last decision',
        tags,
        security,
        params: orgParams,
        response: { 200: certificationReviewSchema, ...adminErrors, ...notFound },
      },
    },
    async (request) => reviewView(await deps.admin.certification.review(request.params.org_id)),
  );

  app.get(
    '/admin/api/certifications/:org_id/documents/:document_id',
    {
      preHandler: allow('certification.review'),
      schema: {
        summary: 'The bytes of one of the organisation’s documents, with its content type',
        tags,
        security,
        params: documentParams,
        produces: ['image/jpeg', 'image/png', 'application/pdf'],
        response: { 200: documentBytes, ...adminErrors, ...notFound },
      },
    },
    async (request, reply) => {
      const { org_id: orgId, document_id: documentId } = request.params;
      const { document, bytes } = await deps.admin.certification.readDocument(orgId, documentId);
      return reply.headers(documentHeaders(document)).send(Buffer.from(bytes));
    },
  );

  app.post(
    '/admin/api/certifications/:org_id/approval',
    {
      preHandler: allow('certification.review'),
      schema: {
        summary: 'Approve a pending application: the organisation is certified and notified',
        tags,
        security,
        params: orgParams,
        body: certificationApprovalRequestSchema,
        response: { 200: certificationDecisionSchema, ...adminErrors, ...notFound, 409: errorResponseSchema },
      },
    },
    async (request) => {
      const { reason } = request.body ?? {};
      const org = await deps.admin.certification.approve(request.params.org_id, {
        actor: operatorOf(request).actor,
        ...(reason === undefined ? {} : { reason }),
      });
      return decisionView(org);
    },
  );

  app.post(
    '/admin/api/certifications/:org_id/rejection',
    {
      preHandler: allow('certification.review'),
      schema: {
        summary: 'Reject a pending application with a reason the customer sees; they can correct and resubmit',
        tags,
        security,
        params: orgParams,
        body: certificationRejectionRequestSchema,
        response: { 200: certificationDecisionSchema, ...adminErrors, ...notFound, 409: errorResponseSchema },
      },
    },
    async (request) => {
      const org = await deps.admin.certification.reject(request.params.org_id, {
        actor: operatorOf(request).actor,
        reason: request.body.reason,
      });
      return decisionView(org);
    },
  );

  app.get(
    '/admin/api/sanctions/lists',
    {
      preHandler: allow('sanctions.manage'),
      schema: {
        summary: 'The imported sanctions and entity lists: names, entry counts, when and by whom imported',
        tags,
        security,
        response: { 200: sanctionsListsSchema, ...adminErrors },
      },
    },
    async () => ({
      lists: (await deps.admin.certification.sanctionsLists()).map((list) => ({
        name: list.name,
        entries: list.entries,
        imported_at: list.importedAt,
        imported_by: list.importedBy,
      })),
    }),
  );

  app.post(
    '/admin/api/sanctions/lists',
    {
      preHandler: allow('sanctions.manage'),
      bodyLimit: sanctionsImportBodyLimitBytes,
      schema: {
        summary: 'Import sanctions or entity lists from CSV (name, aliases, list, program); each list is replaced',
        description:
          `The JSON body (the CSV text included) may be at most ${sanctionsImportBodyLimitBytes / 1024 / 1024} MiB; ` +
          'a larger one is refused with 413 request.body_too_large (details.limit_bytes): split the file by list.',
        tags,
        security,
        body: sanctionsImportRequestSchema,
        response: { 201: sanctionsImportSchema, ...adminErrors, 413: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const records = parseSanctionsCsv(request.body.csv, request.body.list);
      const lists = await deps.admin.certification.importSanctions(records, operatorOf(request).actor);
      return reply.status(201).send({ lists });
    },
  );
}
