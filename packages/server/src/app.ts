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
import type { MetricsAccess, TrustProxy } from './config/config.schema.js';
import { registerMetricsEndpoint } from './http/metrics-endpoint.js';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { registerCaptureStatic } from './http/capture-static.js';
import { registerConsoleStatic } from './http/console-static.js';
import { isDatabaseUnavailable } from './http/database-unavailable.js';
import { refusalLogDetails, toErrorReply } from './http/error-reply.js';
import type { KeyLimiter } from './http/key-limiter.js';
import type { LimitStore } from './limits/limit-store.js';
import { requireSignedCaller, type KeyGate, type SignatureCheck } from './http/signed-caller.js';
import { registerAdminRoutes, type AdminDependencies } from './routes/admin.routes.js';
import { registerConsoleRoutes, type ConsoleDependencies } from './routes/console.routes.js';
import { admitEngineRequests, type EngineAdmission } from './http/engine-admission.js';
import { registerV1Routes, type V1Dependencies } from './routes/v1.routes.js';
import { registerIdCardRoutes, type IdCardsDependencies } from './routes/id-cards.routes.js';
import { registerCapturePageRoutes } from './routes/capture-page.routes.js';
import { registerCaptureSessionRoutes, type CaptureSessionsDependencies } from './routes/capture-sessions.routes.js';
import { registerFaceIdCompatRoutes, type FaceIdCompatDependencies } from './routes/faceid-compat.routes.js';

export interface AppOptions {
  readonly bodyLimitBytes: number;
  readonly logger: FastifyServerOptions['logger'];
  readonly trustProxy: TrustProxy;
  readonly version: string;
  /** The built web consoles (apps/console/dist by default). */
  readonly consoleDistDir?: string;
  /** The built capture page (apps/capture/dist by default). */
  readonly captureDistDir?: string;
  /** Who may read GET /metrics (VISAGE_METRICS) and the bearer token of `token` mode. Default: off. */
  readonly metricsAccess?: MetricsAccess;
  readonly metricsToken?: string | undefined;
}

export interface AppDependencies extends V1Dependencies, CaptureSessionsDependencies {
  readonly verifySignature: SignatureCheck;
  readonly keys: KeyGate;
  readonly limiter: KeyLimiter;
  /** Where request counts live (memory, PostgreSQL or Redis; docs/operations.md); the capture page's limits use it. */
  readonly limitStore?: LimitStore;
  /** The customer console's API (/console/api). */
  readonly console: ConsoleDependencies;
  /** The operator console's API (/admin/api). */
  readonly admin: AdminDependencies;
  /** The FaceID-compatible API (/faceid/…, /facepp/v3/compare); absent: not served. */
  readonly faceIdCompat?: FaceIdCompatDependencies;
  /** Readiness (/readyz): not while draining, nor when the database does not answer; the reason when not. */
  readonly ready: () => Promise<Readiness>;
  /** Request metrics are recorded into it; GET /metrics serves it (see `AppOptions.metricsAccess`). */
  readonly metrics?: Metrics;
  /** ID-card OCR (POST /v1/id-cards/ocr); absent: not served. */
  readonly idCards?: IdCardsDependencies['idCards'];
  /** Backpressure of the face-engine routes (compare, liveness, verifications); absent: none before the engine's queue. */
  readonly engineAdmission?: EngineAdmission;
}

/** Pino redaction: secrets never reach the log, whatever a future serializer includes. */
export const redactedLogPaths = [
  'req.headers["x-visage-signature"]',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
];

/**
 * A request's URL as logged: the value of every `token` query parameter masked. The links that verification and
 * password-reset mails carry (`/console/reset-password?token=…`) open console pages with GET, and pino logs each
 * request's URL: unmasked, anyone reading the log could take over the account behind a live reset link.
 */
export const loggedUrl = (url: string): string =>
  url
    // `token`, and the credentials FaceID-compatible clients send in the query (GET /faceid/lite/get_result). Names
    // are compared decoded, as the query parser reads them: `api%5Fsecret` authenticates like `api_secret`.
    .replace(/([?&;])([^=&#;]*)=[^&#;]*/g, (parameter: string, separator: string, name: string) =>
      maskedQueryNames.has(decodedQueryName(name)) ? `${separator}${name}=[redacted]` : parameter,
    )
    // The capture page's address is /capture/<token>: the token opens the session once, so it is masked too.
    .replace(/^(\/+capture\/+)(?!(?:api|assets)(?:[/?#]|$))[^/?#]+/i, '$1[redacted]');

const maskedQueryNames: ReadonlySet<string> = new Set(['token', 'api_secret', 'sign']);

function decodedQueryName(name: string): string {
  try {
    return decodeURIComponent(name.replaceAll('+', ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

type LoggerOption = FastifyServerOptions['logger'];

/** Fastify's request serializer, with the URL masked (`loggedUrl`); a caller's own serializers still win. */
function withMaskedUrls(logger: LoggerOption): LoggerOption {
  if (logger === undefined || logger === false) return logger;
  const options = logger === true ? {} : logger;
  const req = (request: FastifyRequest) => ({
    method: request.method,
    url: loggedUrl(request.url),
    version: request.headers['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  });
  return { ...options, serializers: { req, ...options.serializers } } as LoggerOption;
}

export async function buildApp(options: AppOptions, deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: withMaskedUrls(options.logger),
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
          OperatorSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'visage_admin_session',
            description:
              'The operator session cookie set by POST /admin/api/session (path /admin); non-GET requests also send the session’s X-CSRF-Token. Each route needs one permission of the operator’s role.',
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
    // A route may set a lower body limit than the server's (the sanctions import): the answer names the one applied.
    const bodyLimitBytes = request.routeOptions?.bodyLimit ?? options.bodyLimitBytes;
    const mapped = toErrorReply(error, request.id, { bodyLimitBytes });
    if (mapped.internal) request.log.error({ err: error }, 'request failed');
    // PostgreSQL down, SQLite's disk full: refused with 503, and the cause logged for the operator.
    else if (isDatabaseUnavailable(error)) request.log.error({ err: error, code: mapped.code }, 'database unavailable');
    else request.log.info({ code: mapped.code, ...refusalLogDetails(error) }, 'request refused');
    if (mapped.retryAfterSeconds !== undefined) reply.header('retry-after', String(mapped.retryAfterSeconds));
    // The route's response serializer is bypassed: an error body always has this one shape.
    return reply.status(mapped.status).type('application/json').serializer(JSON.stringify).send(mapped.body);
  };
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(new DomainError('request.not_found'), request, reply));

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const readiness = await deps.ready();
    reply.header('cache-control', 'no-store');
    return readiness.ready
      ? { status: 'ready' }
      : reply.status(503).send({ status: 'not_ready', reason: readiness.reason });
  });
  if (deps.metrics) {
    registerMetricsEndpoint(app, deps.metrics, {
      access: options.metricsAccess ?? 'off',
      token: options.metricsToken,
    });
  }

  await app.register(async (scope) => {
    // Refused engine requests are answered before their body is read or their signature checked.
    if (deps.engineAdmission) admitEngineRequests(scope, deps.engineAdmission);
    requireSignedCaller(scope, deps);
    registerV1Routes(scope, deps);
    if (deps.idCards) registerIdCardRoutes(scope, { ...deps, idCards: deps.idCards });
    registerCaptureSessionRoutes(scope, deps);
  });
  const faceIdCompat = deps.faceIdCompat;
  if (faceIdCompat) await app.register(async (scope) => registerFaceIdCompatRoutes(scope, faceIdCompat));
  await app.register((scope) => registerCapturePageRoutes(scope, deps));
  await app.register((scope) => registerConsoleRoutes(scope, deps));
  await app.register((scope) => registerAdminRoutes(scope, deps));
  await app.register((scope) =>
    registerConsoleStatic(scope, options.consoleDistDir ? { distDir: options.consoleDistDir } : {}),
  );
  await app.register((scope) =>
    registerCaptureStatic(scope, options.captureDistDir ? { distDir: options.captureDistDir } : {}),
  );
  return app;
}

function fastifyTrustProxy(setting: TrustProxy): boolean | string[] {
  return typeof setting === 'boolean' ? setting : [...setting];
}
