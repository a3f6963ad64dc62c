import {
  adminAgreementAcceptanceListSchema,
  adminAgreementListSchema,
  adminAgreementPublishRequestSchema,
  adminAgreementVersionSchema,
  errorResponseSchema,
} from '@visage/contracts';
import type { AgreementAdmin } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allow, operatorOf } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';
import { acceptanceListingView, adminAgreementView } from './admin.views.js';

export interface AgreementAdminDependencies {
  readonly agreements: AgreementAdmin;
}

const versionParams = z.object({ version: z.coerce.number().int().min(1).max(1_000_000) });

export function registerAdminAgreementRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: AgreementAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/admin/api/agreements',
    {
      preHandler: allow('agreements.manage'),
      schema: {
        summary: 'Publish a new agreement version (terms + DPA) with its effective time; every customer is notified',
        description:
          'After the effective time, live keys of organisations that have not accepted it stop (sandbox keeps working).',
        tags,
        security,
        body: adminAgreementPublishRequestSchema,
        response: { 201: adminAgreementVersionSchema, ...adminErrors },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const published = await deps.admin.agreements.publish({
        termsText: body.terms_text,
        dpaText: body.dpa_text,
        effectiveAt: body.effective_at,
        actor: operatorOf(request).actor,
      });
      return reply.status(201).send(adminAgreementView({ ...published, acceptances: 0 }));
    },
  );

  app.get(
    '/admin/api/agreements',
    {
      preHandler: allow('agreements.manage'),
      schema: {
        summary: 'Every agreement version, newest first, with how many organisations accepted each',
        tags,
        security,
        response: { 200: adminAgreementListSchema, ...adminErrors },
      },
    },
    async () => ({ versions: (await deps.admin.agreements.versions()).map(adminAgreementView) }),
  );

  app.get(
    '/admin/api/agreements/:version/acceptances',
    {
      preHandler: allow('agreements.manage'),
      schema: {
        summary: 'Who accepted one version: organisation, user, time and IP address',
        tags,
        security,
        params: versionParams,
        response: { 200: adminAgreementAcceptanceListSchema, ...adminErrors, 404: errorResponseSchema },
      },
    },
    async (request) => {
      const { version, acceptances } = await deps.admin.agreements.acceptances(request.params.version);
      return { version: version.version, acceptances: acceptances.map(acceptanceListingView) };
    },
  );
}
