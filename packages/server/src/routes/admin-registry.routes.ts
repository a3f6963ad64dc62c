import {
  errorResponseSchema,
  identityDeletedSchema,
  identityImportRequestSchema,
  identityImportResultSchema,
  identityListQuerySchema,
  identityListSchema,
} from '@visage/contracts';
import type { IdentityRegistry, IdentitySummary } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { allow, operatorOf } from '../http/operator-session.js';
import { adminErrors, adminSecurity as security, adminTags as tags } from './admin-route-schema.js';

export interface RegistryAdminDependencies {
  readonly registry: Pick<IdentityRegistry, 'importRows' | 'list' | 'remove'>;
}

/** An import's JSON body (photos as base64) is capped above the server-wide body limit: 1000 photos fit. */
export const registryImportBodyLimitBytes = 128 * 1024 * 1024;

const idParams = z.object({ id: z.string().min(1).max(64) });

export const identityView = (record: IdentitySummary) => ({
  id: record.id,
  sandbox: record.sandbox,
  name_masked: record.nameMasked,
  id_number_masked: record.numberMasked,
  template_model: record.templateModel,
  has_photo: record.hasPhoto,
  source: record.source,
  created_at: record.createdAt,
  updated_at: record.updatedAt,
});

/** The identity registry (docs/identity-sources.md): import, list (masked), delete; 'registry.manage' only. */
export function registerAdminRegistryRoutes(
  scope: FastifyInstance,
  deps: { readonly admin: RegistryAdminDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/admin/api/registry/identities',
    {
      preHandler: allow('registry.manage'),
      bodyLimit: registryImportBodyLimitBytes,
      schema: {
        summary: 'Import identity records (name, ID number, photo): all or nothing; a registered number is replaced',
        description:
          'Each photo’s face template is computed by the engine and stored encrypted with the name and number; the ' +
          'photo is kept (encrypted) only with keep_photos. Any invalid record fails the whole import with ' +
          '400 registry.invalid_import listing every problem (`line` = record index + 2, as in a CSV). With sandbox, ' +
          'the records are sandbox records, which only sandbox keys see (and live keys never do). A concurrent import ' +
          'of the same new number answers 409 registry.import_conflict (retry). Audited.',
        tags,
        security,
        body: identityImportRequestSchema,
        response: {
          201: identityImportResultSchema,
          ...adminErrors,
          409: errorResponseSchema,
          413: errorResponseSchema,
        },
      },
    },
    async (request, reply) => {
      const { records, keep_photos: keepPhotos, largest_face: largestFace, sandbox } = request.body;
      const result = await deps.admin.registry.importRows(
        records.map((record, index) => ({
          line: index + 2,
          name: record.name,
          idNumber: record.id_number,
          photo: decodeBase64(record.photo),
        })),
        { source: 'admin-api', actor: operatorOf(request).actor, keepPhotos, largestFace, sandbox },
      );
      return reply.status(201).send({ ...result, ids: [...result.ids] });
    },
  );

  app.get(
    '/admin/api/registry/identities',
    {
      preHandler: allow('registry.manage'),
      schema: {
        summary: 'Identity records, masked (first character of the name, first 3 and last 4 of the number)',
        tags,
        security,
        querystring: identityListQuerySchema,
        response: { 200: identityListSchema, ...adminErrors },
      },
    },
    async (request) => {
      const page = await deps.admin.registry.list({ after: request.query.after, limit: request.query.limit });
      return { records: page.records.map(identityView), total: page.total, next_after: page.nextAfter };
    },
  );

  app.delete(
    '/admin/api/registry/identities/:id',
    {
      preHandler: allow('registry.manage'),
      schema: {
        summary: 'Erase an identity record: name, number, template and photo (audited)',
        tags,
        security,
        params: idParams,
        response: { 200: identityDeletedSchema, ...adminErrors, 404: errorResponseSchema },
      },
    },
    async (request) => {
      await deps.admin.registry.remove(request.params.id, operatorOf(request).actor);
      return { id: request.params.id, deleted: true as const };
    },
  );
}

function decodeBase64(value: string): Uint8Array {
  const comma = value.startsWith('data:') ? value.indexOf(',') : -1;
  return new Uint8Array(Buffer.from(value.slice(comma + 1), 'base64'));
}
