import {
  compareRequestSchema,
  compareResponseSchema,
  consentCreateRequestSchema,
  consentResponseSchema,
  deletionReceiptSchema,
  errorResponseSchema,
  livenessRequestSchema,
  livenessResponseSchema,
  verificationRequestSchema,
  verificationResponseSchema,
  type ConsentEvidenceInput,
} from '@visage/contracts';
import {
  DomainError,
  type ConsentInput,
  type Crypto,
  type DeletionReceipt,
  type SecretBox,
  type VerificationService,
} from '@visage/core';
import { engineDoneOf, engineRoute } from '../http/engine-admission.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idempotent, type IdempotencyPort } from '../http/idempotency.js';
import { callerOf } from '../http/signed-caller.js';

export interface V1Dependencies {
  readonly verification: VerificationService;
  readonly idempotency: IdempotencyPort;
  readonly crypto: Pick<Crypto, 'sha256Hex'>;
  readonly secretBox: SecretBox;
}

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const signedSecurity = [{ VisageSignature: [] }];
const bothEncodings = ['application/json', 'multipart/form-data'];

/** The signed public API. Handlers are a schema and one service call; signing and limits run before them. */
export function registerV1Routes(scope: FastifyInstance, deps: V1Dependencies): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/compare',
    {
      config: engineRoute,
      schema: {
        summary: 'Compare two faces (1:1)',
        tags: ['verification'],
        security: signedSecurity,
        consumes: bothEncodings,
        body: compareRequestSchema,
        response: { 200: compareResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { body } = request;
      return idempotent(request, reply, { ...deps, caller }, async (beforeCharge) => {
        const result = await deps.verification.compare({
          caller,
          requestId: request.id,
          beforeCharge,
          engineDone: engineDoneOf(request),
          consent: consentOf(body),
          bizNo: body.biz_no,
          image1: decodeBase64Image(body.image1),
          image2: decodeBase64Image(body.image2),
        });
        return result;
      }) as never;
    },
  );

  app.post(
    '/v1/liveness',
    {
      config: engineRoute,
      schema: {
        summary: 'Passive liveness of one face',
        tags: ['verification'],
        security: signedSecurity,
        consumes: bothEncodings,
        body: livenessRequestSchema,
        response: { 200: livenessResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { body } = request;
      return idempotent(request, reply, { ...deps, caller }, async (beforeCharge) => {
        const result = await deps.verification.liveness({
          caller,
          requestId: request.id,
          beforeCharge,
          engineDone: engineDoneOf(request),
          consent: consentOf(body),
          bizNo: body.biz_no,
          image: decodeBase64Image(body.image),
        });
        return result;
      }) as never;
    },
  );

  app.post(
    '/v1/verifications',
    {
      config: engineRoute,
      schema: {
        summary: 'Verify a live selfie against a reference photo or an identity record (registry)',
        tags: ['verification'],
        security: signedSecurity,
        consumes: bothEncodings,
        body: verificationRequestSchema,
        response: { 200: verificationResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { body } = request;
      return idempotent(request, reply, { ...deps, caller }, async (beforeCharge) => {
        const { comparison } = body;
        const common = {
          caller,
          requestId: request.id,
          beforeCharge,
          engineDone: engineDoneOf(request),
          consent: consentOf(body),
          bizNo: body.biz_no,
          selfie: decodeBase64Image(body.selfie),
        };
        // A registry comparison's name and number go to the identity source only: never logged or stored.
        const result =
          comparison.type === 'registry'
            ? await deps.verification.verifyWithRegistry({
                ...common,
                name: comparison.name,
                idNumber: comparison.id_number,
              })
            : await deps.verification.verify({ ...common, reference: decodeBase64Image(comparison.image) });
        return result;
      }) as never;
    },
  );

  const idParams = z.object({ id: z.string().min(1).max(64) });

  app.get(
    '/v1/verifications/:id',
    {
      schema: {
        summary: 'Read a stored verification (at most 3 times, within the app’s result retention)',
        tags: ['verification'],
        security: signedSecurity,
        params: idParams,
        response: { 200: verificationResponseSchema, 404: errorResponseSchema, 410: errorResponseSchema, ...errors },
      },
    },
    async (request) => (await deps.verification.read(callerOf(request), request.params.id)) as never,
  );

  app.delete(
    '/v1/verifications/:id',
    {
      schema: {
        summary: 'Erase a verification’s images, templates and result',
        tags: ['privacy'],
        security: signedSecurity,
        params: idParams,
        response: { 200: deletionReceiptSchema, 404: errorResponseSchema, ...errors },
      },
    },
    async (request) => receiptView(await deps.verification.erase(callerOf(request), request.params.id)),
  );

  app.delete(
    '/v1/subjects/:subject_ref',
    {
      schema: {
        summary: 'Erase everything kept about one end user (by your subject_ref)',
        tags: ['privacy'],
        security: signedSecurity,
        params: z.object({ subject_ref: z.string().min(1).max(128) }),
        response: { 200: deletionReceiptSchema, ...errors },
      },
    },
    async (request) => receiptView(await deps.verification.eraseSubject(callerOf(request), request.params.subject_ref)),
  );

  app.post(
    '/v1/consents',
    {
      schema: {
        summary: 'Record consent evidence once and refer to it by id',
        tags: ['consent'],
        security: signedSecurity,
        body: consentCreateRequestSchema,
        response: { 200: consentResponseSchema, ...errors },
      },
    },
    async (request) => {
      const record = await deps.verification.createConsent(callerOf(request), evidenceOf(request.body));
      return {
        id: record.id,
        subject_ref: record.subjectRef,
        text_version: record.textVersion,
        obtained_at: record.obtainedAt,
        method: record.method,
        created_at: record.createdAt,
      };
    },
  );
}

function evidenceOf(consent: ConsentEvidenceInput) {
  return {
    subjectRef: consent.subject_ref,
    textVersion: consent.text_version,
    obtainedAt: consent.obtained_at,
    method: consent.method,
  };
}

export function consentOf(body: {
  consent?: ConsentEvidenceInput | undefined;
  consent_id?: string | undefined;
}): ConsentInput {
  if (body.consent && body.consent_id) {
    throw new DomainError('consent.required', { reason: 'send either consent or consent_id, not both' });
  }
  if (body.consent_id) return { consentId: body.consent_id };
  return body.consent ? { evidence: evidenceOf(body.consent) } : {};
}

function receiptView(receipt: DeletionReceipt) {
  return {
    receipt_id: receipt.id,
    scope: receipt.scope,
    target: receipt.target,
    erased: { ...receipt.erased },
    erased_at: receipt.createdAt,
  };
}

export function decodeBase64Image(value: string): Uint8Array {
  const comma = value.startsWith('data:') ? value.indexOf(',') : -1;
  return Buffer.from(value.slice(comma + 1), 'base64');
}
