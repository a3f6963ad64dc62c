import { errorResponseSchema, idCardOcrRequestSchema, idCardOcrResponseSchema } from '@visage/contracts';
import type { Crypto, IdCardService, SecretBox } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idempotent, type IdempotencyPort } from '../http/idempotency.js';
import { callerOf } from '../http/signed-caller.js';
import { consentOf, decodeBase64Image } from './v1.routes.js';

export interface IdCardsDependencies {
  readonly idCards: IdCardService;
  readonly idempotency: IdempotencyPort;
  readonly crypto: Pick<Crypto, 'sha256Hex'>;
  readonly secretBox: SecretBox;
}

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  403: errorResponseSchema,
  422: errorResponseSchema,
};

/**
 * `POST /v1/id-cards/ocr`: one side of a resident ID card read, its fields checked (docs/id-cards.md). Signed,
 * consented and charged like the other /v1 calls; the image is never stored, the call log keeps metadata only.
 */
export function registerIdCardRoutes(scope: FastifyInstance, deps: IdCardsDependencies): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/v1/id-cards/ocr',
    {
      schema: {
        summary: 'Read a resident ID card (front or back) and check its fields',
        tags: ['id-cards'],
        security: [{ VisageSignature: [] }],
        consumes: ['application/json', 'multipart/form-data'],
        body: idCardOcrRequestSchema,
        response: { 200: idCardOcrResponseSchema, ...errors },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { body } = request;
      return idempotent(request, reply, { ...deps, caller }, (beforeCharge) =>
        deps.idCards.ocr({
          beforeCharge,
          caller,
          requestId: request.id,
          consent: consentOf(body),
          bizNo: body.biz_no,
          image: decodeBase64Image(body.image),
          side: body.side,
          portrait: body.portrait,
        }),
      ) as never;
    },
  );
}
