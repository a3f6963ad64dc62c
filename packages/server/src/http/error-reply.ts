import { errorRegistry, type ErrorCode } from '@visage/contracts';
import { DomainError } from '@visage/core';
import { EngineError } from '@visage/engine';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorCodeOfEngineError } from '../errors/engine-error-code.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

export interface ErrorReply {
  readonly status: number;
  readonly code: ErrorCode;
  readonly body: { error: { code: ErrorCode; message: string; details?: Record<string, unknown>; request_id: string } };
  readonly retryAfterSeconds?: number;
  /** True when the error is ours, not the caller's: logged with its stack, never shown. */
  readonly internal: boolean;
}

const fastifyCodeMap: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.invalid',
  FST_ERR_VALIDATION: 'request.invalid',
};

/** The one place an error becomes an HTTP answer: a registered code, its status, and details safe to show. */
export function toErrorReply(error: unknown, requestId: string, limits: { bodyLimitBytes: number }): ErrorReply {
  const reply = (code: ErrorCode, details?: Record<string, unknown>, internal = false): ErrorReply => {
    const retryAfter = details?.['retry_after_seconds'];
    return {
      status: errorRegistry[code].status,
      code,
      internal,
      ...(typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}),
      body: {
        error: {
          code,
          message: errorRegistry[code].message,
          ...(details && Object.keys(details).length > 0 ? { details } : {}),
          request_id: requestId,
        },
      },
    };
  };

  if (error instanceof DomainError) return reply(error.code, error.details ? { ...error.details } : undefined);
  if (error instanceof EngineError) {
    const code = errorCodeOfEngineError(error.code);
    if (code === 'internal.error') return reply(code, undefined, true);
    if (code.startsWith('service.')) return reply(code, { retry_after_seconds: 1 });
    return reply(code, publicEngineDetails(error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.'),
      message: issue.message,
    }));
    // Consent is its own contract: malformed evidence is `consent.required`, not a generic schema error.
    if (issues.some((issue) => issue.path === 'consent' || issue.path.startsWith('consent.'))) {
      return reply('consent.required', { issues });
    }
    return reply('request.invalid', { issues });
  }
  const fastifyCode = (error as { code?: unknown }).code;
  if (typeof fastifyCode === 'string' && fastifyCode in fastifyCodeMap) {
    const code = fastifyCodeMap[fastifyCode]!;
    return reply(code, code === 'request.body_too_large' ? { limit_bytes: limits.bodyLimitBytes } : undefined);
  }
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return reply('request.invalid');
  // The database is down or restarting: refused fast with 503 and Retry-After; nothing was charged (docs/operations.md).
  if (isDatabaseUnavailable(error)) return reply('service.unavailable', { retry_after_seconds: 1 });
  return reply('internal.error', undefined, true);
}

/** Engine details are counts and limits (face count, byte caps); anything else stays in the log. */
function publicEngineDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  return Object.fromEntries(Object.entries(details).filter(([, value]) => typeof value === 'number'));
}

/** What a refusal adds to the server's log beside its code: the error's operator-only details, never answered. */
export function refusalLogDetails(error: unknown): { log_details?: Readonly<Record<string, unknown>> } {
  return error instanceof DomainError && error.logDetails !== undefined ? { log_details: error.logDetails } : {};
}
