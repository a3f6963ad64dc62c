import {
  capturePageAttemptSchema,
  capturePageCompletionSchema,
  capturePageConsentRequestSchema,
  capturePageFrameRequestSchema,
  capturePageFrameResponseSchema,
  capturePageOpenRequestSchema,
  capturePageOpenResponseSchema,
  capturePageSessionSchema,
  capturePageUnsupportedRequestSchema,
  errorResponseSchema,
} from '@visage/contracts';
import { DomainError, type CaptureSessions } from '@visage/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rejectUnparsedBody } from '../http/body-parsers.js';
import { createMemoryLimitStore, type LimitStore } from '../limits/limit-store.js';

export interface CapturePageDependencies {
  readonly captureSessions: CaptureSessions;
  /** Where the page's request counts live (default: this process's memory; docs/operations.md). */
  readonly limitStore?: LimitStore;
}

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  409: errorResponseSchema,
  410: errorResponseSchema,
};
const noContent = { 204: z.null(), ...errors };
const attemptParams = z.object({ attempt_id: z.string().min(1).max(64) });

/** Requests per page token (or per address before a token exists) in a rolling minute: a phone sends ~5 frames a second. */
const windowMs = 60_000;
const perWindow = { token: 240, open: 120 };

/**
 * The capture page's API (/capture/api/*): authorised by the page token the single-use URL token was exchanged for,
 * sent as `Authorization: Bearer …` (a header a cross-site form cannot set, so no CSRF token is needed).
 */
export function registerCapturePageRoutes(scope: FastifyInstance, deps: CapturePageDependencies): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const limits = deps.limitStore ?? createMemoryLimitStore(Date.now);
  scope.addHook('preValidation', rejectUnparsedBody);
  scope.addHook('onRequest', async (request) => {
    const token = bearerOf(request);
    const key = token ? `t:${token}` : `ip:${request.ip}`;
    const counted = await limits.hit(
      [{ key: `capture:${key}`, limit: token ? perWindow.token : perWindow.open }],
      windowMs,
    );
    if (!counted.ok) {
      throw new DomainError('capture.rate_limited', { retry_after_seconds: counted.retryAfterSeconds });
    }
  });
  const tags = ['capture page'];

  app.post(
    '/capture/api/open',
    {
      schema: {
        summary: 'Exchange the single-use URL token for a page token',
        tags,
        body: capturePageOpenRequestSchema,
        response: { 200: capturePageOpenResponseSchema, ...errors },
      },
    },
    async (request) => deps.captureSessions.open(request.body.token, request.headers['accept-language']),
  );

  app.get(
    '/capture/api/session',
    {
      schema: {
        summary: 'The session as the page shows it',
        tags,
        response: { 200: capturePageSessionSchema, ...errors },
      },
    },
    async (request) => deps.captureSessions.session(bearerOf(request), request.headers['accept-language']),
  );

  app.post(
    '/capture/api/consent',
    {
      schema: {
        summary: 'Record the person’s consent',
        tags,
        body: capturePageConsentRequestSchema,
        response: noContent,
      },
    },
    async (request, reply) => {
      await deps.captureSessions.consent(bearerOf(request), {
        locale: request.body.locale,
        acceptLanguage: request.headers['accept-language'],
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/capture/api/attempts',
    { schema: { summary: 'Start a capture attempt', tags, response: { 200: capturePageAttemptSchema, ...errors } } },
    async (request) => deps.captureSessions.startAttempt(bearerOf(request)),
  );

  app.post(
    '/capture/api/attempts/:attempt_id/frames',
    {
      schema: {
        summary: 'Upload one JPEG frame of the attempt (multipart: step, index, captured_at_ms, frame)',
        tags,
        consumes: ['multipart/form-data', 'application/json'],
        params: attemptParams,
        body: capturePageFrameRequestSchema,
        response: { 200: capturePageFrameResponseSchema, ...errors },
      },
    },
    async (request) => {
      const { body } = request;
      return deps.captureSessions.addFrame(bearerOf(request), request.params.attempt_id, {
        step: body.step,
        index: body.index,
        capturedAtMs: body.captured_at_ms,
        frame: Buffer.from(body.frame, 'base64'),
      });
    },
  );

  app.post(
    '/capture/api/attempts/:attempt_id/completion',
    {
      schema: {
        summary: 'End the attempt: the server decides liveness (and the comparison)',
        tags,
        params: attemptParams,
        response: { 200: capturePageCompletionSchema, ...errors },
      },
    },
    async (request) => deps.captureSessions.complete(bearerOf(request), request.params.attempt_id, request.id),
  );

  app.post(
    '/capture/api/unsupported',
    {
      schema: {
        summary: 'The device cannot capture (no camera, no permission, no WebRTC)',
        tags,
        body: capturePageUnsupportedRequestSchema,
        response: noContent,
      },
    },
    async (request, reply) => {
      await deps.captureSessions.unsupported(bearerOf(request), request.body.reason);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/capture/api/cancel',
    { schema: { summary: 'The person cancelled', tags, response: noContent } },
    async (request, reply) => {
      await deps.captureSessions.cancel(bearerOf(request));
      return reply.status(204).send(null);
    },
  );
}

function bearerOf(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  return header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
}
