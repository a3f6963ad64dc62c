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

export interface CapturePageDependencies {
  readonly captureSessions: CaptureSessions;
}

const errors = {
  400: errorResponseSchema,
  401: errorResponseSchema,
  409: errorResponseSchema,
  410: errorResponseSchema,
};
const noContent = { 204: z.null(), ...errors };
const attemptParams = z.object({ attempt_id: z.string().min(1).max(64) });

/** Requests per page token (or per address before a token exists) in one window: a phone sends ~5 frames a second. */
const windowMs = 60_000;
const perWindow = { token: 240, open: 120 };

/**
 * The capture page's API (/capture/api/*): authorised by the page token the single-use URL token was exchanged for,
 * sent as `Authorization: Bearer …` (a header a cross-site form cannot set, so no CSRF token is needed).
 */
export function registerCapturePageRoutes(scope: FastifyInstance, deps: CapturePageDependencies): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const limiter = createWindowLimiter();
  scope.addHook('preValidation', rejectUnparsedBody);
  scope.addHook('onRequest', async (request) => {
    const token = bearerOf(request);
    const key = token ? `t:${token}` : `ip:${request.ip}`;
    const retryAfter = limiter.hit(key, token ? perWindow.token : perWindow.open);
    if (retryAfter !== undefined) throw new DomainError('capture.rate_limited', { retry_after_seconds: retryAfter });
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
    async (request) => deps.captureSessions.open(request.body.token),
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
    async (request) => deps.captureSessions.session(bearerOf(request)),
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
      await deps.captureSessions.consent(bearerOf(request));
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

/** Fixed windows in memory, per process: bounds a runaway page, not a distributed attacker. */
function createWindowLimiter() {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts one request; the seconds to wait when over `limit`, else undefined. */
    hit(key: string, limit: number): number | undefined {
      const now = Date.now();
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
      }
      const window = windows.get(key);
      if (!window || now - window.start >= windowMs) {
        windows.set(key, { start: now, count: 1 });
        return undefined;
      }
      window.count++;
      return window.count > limit ? Math.ceil((window.start + windowMs - now) / 1000) : undefined;
    },
  };
}
