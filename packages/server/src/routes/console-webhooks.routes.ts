import {
  consoleIdParam,
  errorResponseSchema,
  webhookEventDetailSchema,
  webhookEventListQuerySchema,
  webhookEventListSchema,
  webhookEventSchema,
  webhookSecretIssuedSchema,
  webhookSettingsSchema,
} from '@visage/contracts';
import type { Apps, StoredWebhookEvent, WebhookAttempt, Webhooks } from '@visage/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { customerOf } from '../http/console-session.js';
import { cursorOf, positionOf } from './console.views.js';

/** What the customer's webhook pages run on. */
export interface ConsoleWebhookDependencies {
  readonly webhooks: Pick<Webhooks, 'listEvents' | 'getEvent' | 'resend' | 'secrets' | 'rotateSecret'>;
  readonly apps: Pick<Apps, 'get'>;
}

const tags = ['console'];
const security = [{ ConsoleSession: [] }];
const signedInErrors = { 400: errorResponseSchema, 401: errorResponseSchema, 403: errorResponseSchema };
const notFound = { 404: errorResponseSchema };
const appParams = z.object({ app_id: consoleIdParam });
const eventParams = z.object({ app_id: consoleIdParam, event_id: consoleIdParam });

export const webhookEventView = (event: StoredWebhookEvent) => ({
  id: event.id,
  app_id: event.appId,
  type: event.type,
  mode: event.mode,
  created_at: event.createdAt,
  status: event.status,
  attempts: event.attempts,
  next_attempt_at: event.nextAttemptAt,
  delivered_at: event.deliveredAt,
  last_error: event.lastError,
  target_url: event.targetUrl,
});

const attemptView = (attempt: WebhookAttempt) => ({
  id: attempt.id,
  attempted_at: attempt.attemptedAt,
  url: attempt.url,
  status_code: attempt.statusCode,
  latency_ms: attempt.latencyMs,
  error: attempt.error,
  response_snippet: attempt.responseSnippet,
});

/**
 * An app's webhooks in the customer console (docs/webhooks.md): events and their attempts, resend, and the signing
 * secret. Registered in the signed-in customer scope (session, CSRF on writes).
 */
export function registerConsoleWebhookRoutes(
  scope: FastifyInstance,
  deps: { readonly console: ConsoleWebhookDependencies },
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/console/api/apps/:app_id/webhook',
    {
      schema: {
        summary: 'An app’s webhook URL and the secrets that sign',
        tags,
        security,
        params: appParams,
        response: { 200: webhookSettingsSchema, ...signedInErrors, ...notFound },
      },
    },
    async (request) => {
      const { orgId } = customerOf(request);
      const target = await deps.console.apps.get(orgId, request.params.app_id);
      const secrets = await deps.console.webhooks.secrets(orgId, request.params.app_id);
      return {
        url: target.webhookUrl,
        secrets: secrets.map((secret) => ({
          id: secret.id,
          created_at: secret.createdAt,
          expires_at: secret.expiresAt,
        })),
      };
    },
  );

  app.post(
    '/console/api/apps/:app_id/webhook/secret',
    {
      schema: {
        summary: 'Issue the app’s webhook secret, or rotate it (the old one signs too for a grace period)',
        description:
          'The new secret is shown only in this answer. While `previous_expires_at` has not passed, deliveries carry ' +
          'a signature under each secret (`webhook-signature: v1,<new> v1,<old>`).',
        tags,
        security,
        params: appParams,
        response: { 201: webhookSecretIssuedSchema, ...signedInErrors, ...notFound },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const issued = await deps.console.webhooks.rotateSecret(orgId, request.params.app_id, actor);
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({
        id: issued.id,
        secret: issued.secret,
        created_at: issued.createdAt,
        previous_expires_at: issued.previousExpireAt,
      });
    },
  );

  app.get(
    '/console/api/apps/:app_id/webhook/events',
    {
      schema: {
        summary: 'An app’s webhook events and their delivery state, newest first',
        tags,
        security,
        params: appParams,
        querystring: webhookEventListQuerySchema,
        response: { 200: webhookEventListSchema, ...signedInErrors, ...notFound },
      },
    },
    async (request) => {
      const { orgId } = customerOf(request);
      const { cursor, limit, type, status } = request.query;
      const page = await deps.console.webhooks.listEvents(orgId, request.params.app_id, {
        limit,
        type,
        status,
        after: cursor === undefined ? undefined : positionOf(cursor),
      });
      return { events: page.events.map(webhookEventView), next_cursor: page.next ? cursorOf(page.next) : null };
    },
  );

  app.get(
    '/console/api/apps/:app_id/webhook/events/:event_id',
    {
      schema: {
        summary: 'One webhook event with its payload and every delivery attempt',
        tags,
        security,
        params: eventParams,
        response: { 200: webhookEventDetailSchema, ...signedInErrors, ...notFound },
      },
    },
    async (request) => {
      const { orgId } = customerOf(request);
      const { event, attempts } = await deps.console.webhooks.getEvent(
        orgId,
        request.params.app_id,
        request.params.event_id,
      );
      return { event: webhookEventView(event), payload: event.payload, attempts: attempts.map(attemptView) };
    },
  );

  app.post(
    '/console/api/apps/:app_id/webhook/events/:event_id/resend',
    {
      schema: {
        summary: 'Deliver an event again (same webhook-id), now, with a fresh 72 h of retries',
        tags,
        security,
        params: eventParams,
        response: { 202: webhookEventSchema, ...signedInErrors, ...notFound },
      },
    },
    async (request, reply) => {
      const { orgId, actor } = customerOf(request);
      const event = await deps.console.webhooks.resend(orgId, request.params.app_id, request.params.event_id, actor);
      return reply.status(202).send(webhookEventView(event));
    },
  );
}
