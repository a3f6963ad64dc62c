import {
  captureSessionCreatedSchema,
  captureSessionCreateRequestSchema,
  captureSessionSchema,
  errorResponseSchema,
} from '@visage/contracts';
import type { CaptureSessions } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerOf } from '../http/signed-caller.js';

export interface CaptureSessionsDependencies {
  readonly captureSessions: CaptureSessions;
}

const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const signedSecurity = [{ VisageSignature: [] }];

/** The signed half of hosted capture: the customer's server opens a session and reads its result. */
export function registerCaptureSessionRoutes(scope: FastifyInstance, deps: CaptureSessionsDependencies): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/capture-sessions',
    {
      schema: {
        summary: 'Open a hosted capture session and get the single-use URL to send the person to',
        tags: ['capture'],
        security: signedSecurity,
        consumes: ['application/json', 'multipart/form-data'],
        body: captureSessionCreateRequestSchema,
        response: { 200: captureSessionCreatedSchema, ...errors },
      },
    },
    async (request) => {
      const { body } = request;
      return deps.captureSessions.create(callerOf(request), {
        liveness: body.liveness,
        referenceImage: body.comparison ? decodeBase64Image(body.comparison.image) : undefined,
        subjectRef: body.subject_ref,
        bizNo: body.biz_no,
        returnUrl: body.return_url,
        notifyUrl: body.notify_url,
        locale: body.locale,
        expiresInSeconds: body.expires_in,
        maxAttempts: body.max_attempts,
      });
    },
  );

  app.get(
    '/v1/capture-sessions/:id',
    {
      schema: {
        summary: 'A capture session’s status and, once finished, its result',
        tags: ['capture'],
        security: signedSecurity,
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: captureSessionSchema, 404: errorResponseSchema, ...errors },
      },
    },
    async (request) => (await deps.captureSessions.get(callerOf(request), request.params.id)) as never,
  );
}

function decodeBase64Image(value: string): Uint8Array {
  const comma = value.startsWith('data:') ? value.indexOf(',') : -1;
  return Buffer.from(value.slice(comma + 1), 'base64');
}
