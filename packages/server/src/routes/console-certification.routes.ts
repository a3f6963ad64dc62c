import {
  certificationDocumentSchema,
  certificationDocumentUploadSchema,
  certificationIdParam,
  certificationSaveRequestSchema,
  consoleCertificationSchema,
  errorResponseSchema,
  industryListSchema,
} from '@visage/contracts';
import type { CertificationService } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerOf } from '../http/console-session.js';
import { consoleCertificationView, documentHeaders, documentView, industryView } from './certification.views.js';

/** What the customer's certification page runs on. */
export interface ConsoleCertificationDependencies {
  readonly certification: Pick<
    CertificationService,
    'industries' | 'application' | 'save' | 'uploadDocument' | 'readDocument' | 'submit'
  >;
}

const tags = ['console'];
const security = [{ ConsoleSession: [] }];
const signedInErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const documentBytes = z.unknown().describe('The document’s bytes, as image/jpeg, image/png or application/pdf.');
const documentParams = z.object({ document_id: certificationIdParam });

/** Registered inside the signed-in customer scope of console.routes.ts (session, CSRF, customers only). */
export function registerConsoleCertificationRoutes(
  scope: FastifyInstance,
  deps: { readonly console: ConsoleCertificationDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/industries',
    {
      schema: {
        summary: 'The operator’s industry catalogue, with the licences each industry requires',
        tags,
        security,
        response: { 200: industryListSchema, ...signedInErrors },
      },
    },
    async () => ({ industries: (await deps.console.certification.industries()).map(industryView) }),
  );

  app.get(
    '/console/api/certification',
    {
      schema: {
        summary: 'The organisation’s certification: state, application, documents and the operator’s last reason',
        tags,
        security,
        response: { 200: consoleCertificationSchema, ...signedInErrors },
      },
    },
    async (request) =>
      consoleCertificationView(await deps.console.certification.application(customerOf(request).orgId)),
  );

  app.put(
    '/console/api/certification',
    {
      schema: {
        summary: 'Save the application (while registered or rejected); fields left out keep their value',
        description:
          'The credit code and the ID number are checked at once (certification.invalid_credit_code, ' +
          'certification.invalid_resident_id with details.field); completeness only at submission.',
        tags,
        security,
        body: certificationSaveRequestSchema,
        response: { 200: consoleCertificationSchema, ...signedInErrors, 409: errorResponseSchema },
      },
    },
    async (request) => {
      const { orgId, actor } = customerOf(request);
      const { body } = request;
      const { certification } = deps.console;
      await certification.save(
        orgId,
        {
          companyName: body.company_name,
          creditCode: body.credit_code,
          legalRepName: body.legal_rep_name,
          legalRepIdNumber: body.legal_rep_id_number,
          contactName: body.contact_name,
          contactPhone: body.contact_phone,
          address: body.address,
          industryCode: body.industry_code,
        },
        actor,
      );
      return consoleCertificationView(await certification.application(orgId));
    },
  );

  app.post(
    '/console/api/certification/documents',
    {
      schema: {
        summary: 'Upload a document: the business licence or a licence the industry requires',
        description:
          'multipart/form-data with the fields `kind` (business_licence or licence:<code>) and `file`, or JSON ' +
          'with the file in base64. JPEG, PNG or PDF by their magic bytes, at most 5 MiB; stored encrypted.',
        tags,
        security,
        consumes: ['multipart/form-data', 'application/json'],
        body: certificationDocumentUploadSchema,
        response: {
          201: certificationDocumentSchema,
          ...signedInErrors,
          409: errorResponseSchema,
          413: errorResponseSchema,
          415: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const document = await deps.console.certification.uploadDocument({
        orgId,
        kind: request.body.kind,
        bytes: new Uint8Array(Buffer.from(request.body.file, 'base64')),
        actor,
      });
      return reply.status(201).send(documentView(document));
    },
  );

  app.get(
    '/console/api/certification/documents/:document_id',
    {
      schema: {
        summary: 'The bytes of one of the organisation’s documents, with its content type',
        tags,
        security,
        params: documentParams,
        produces: ['image/jpeg', 'image/png', 'application/pdf'],
        response: { 200: documentBytes, ...signedInErrors, 404: errorResponseSchema },
      },
    },
    async (request, reply) => {
      const { document, bytes } = await deps.console.certification.readDocument(
        customerOf(request).orgId,
        request.params.document_id,
      );
      return reply.headers(documentHeaders(document)).send(Buffer.from(bytes));
    },
  );

  app.post(
    '/console/api/certification/submission',
    {
      schema: {
        summary: 'Submit the application for review (registered or rejected → pending)',
        description:
          'Refused with certification.incomplete (details.missing) until every field, the business licence and ' +
          'each licence of the industry are there. The names are screened against the operator’s sanctions lists.',
        tags,
        security,
        response: {
          200: consoleCertificationSchema,
          ...signedInErrors,
          409: errorResponseSchema,
          422: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { orgId, actor } = customerOf(request);
      return consoleCertificationView(await deps.console.certification.submit(orgId, actor));
    },
  );
}
