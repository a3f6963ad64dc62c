import { randomBytes } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import { DomainError } from '@visage/core';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { TrustProxy } from './config/config.schema.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { toErrorReply } from './http/error-reply.js';
import type { KeyLimiter } from './http/key-limiter.js';
import { requireSignedCaller, type KeyGate, type SignatureCheck } from './http/signed-caller.js';
import { registerConsoleRoutes, type ConsoleDependencies } from './routes/console.routes.js';
import { registerV1Routes, type V1Dependencies } from './routes/v1.routes.js';

export interface AppOptions {
  readonly bodyLimitBytes: number;
  readonly logger: FastifyServerOptions['logger'];
  readonly trustProxy: TrustProxy;
  readonly version: string;
}

export interface AppDependencies extends V1Dependencies {
  readonly verifySignature: SignatureCheck;
  readonly keys: KeyGate;
  readonly limiter: KeyLimiter;
  /** The customer console's API (/console/api). */
  readonly console: ConsoleDependencies;
  /** Readiness: false while draining, or when the database does not answer. */
  readonly ready: () => Promise<boolean>;
}

/** Pino redaction: secrets never reach the log, whatever a future serializer includes. */
export const redactedLogPaths = [
  'req.headers["x-visage-signature"]',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

export async function buildApp(options: AppOptions, deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.bodyLimitBytes,
    trustProxy: fastifyTrustProxy(options.trustProxy),
    // Our own ids: an incoming X-Request-Id is not trusted, it would let a caller forge log lines.
    genReqId: () => `req_${randomBytes(12).toString('base64url')}`,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerBodyParsers(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Visage API',
        version: options.version,
        description:
          'Self-hosted identity verification. Every /v1 request is signed (docs/api/signing.md); error codes are in docs/errors.md.',
      },
      components: {
        securitySchemes: {
          VisageSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Visage-Signature',
            description:
              'HMAC-SHA256 over the canonical request, with X-Visage-Key, X-Visage-Timestamp and X-Visage-Nonce (docs/api/signing.md).',
          },
          ConsoleSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'visage_session',
            description:
              'The console session cookie set by POST /console/api/session; non-GET requests also send the session’s X-CSRF-Token.',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  // While closing, answers end their connection: a kept-alive socket would otherwise hold the process open until
  // its keep-alive timeout, long after the last request was answered.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });

  const sendError = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const mapped = toErrorReply(error, request.id, { bodyLimitBytes: options.bodyLimitBytes });
    if (mapped.internal) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: mapped.code }, 'request refused');
    if (mapped.retryAfterSeconds !== undefined) reply.header('retry-after', String(mapped.retryAfterSeconds));
    // The route's response serializer is bypassed: an error body always has this one shape.
    return reply.status(mapped.status).type('application/json').serializer(JSON.stringify).send(mapped.body);
  };
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(new DomainError('request.not_found'), request, reply));

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) =>
    (await deps.ready()) ? { status: 'ready' } : reply.status(503).send({ status: 'not_ready' }),
  );

  await app.register(async (scope) => {
    requireSignedCaller(scope, deps);
    registerV1Routes(scope, deps);
  });
  await app.register((scope) => registerConsoleRoutes(scope, deps));
  return app;
}

function fastifyTrustProxy(setting: TrustProxy): boolean | string[] {
  return typeof setting === 'boolean' ? setting : [...setting];
}
