import { errorRegistry } from '@visage/contracts';
import {
  DomainError,
  faceIdComparison,
  type Caller,
  type Clock,
  type ConfidenceAt,
  type FaceIdAuth,
  type FaceIdLite,
  type VerificationService,
} from '@visage/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rejectUnparsedBody } from '../http/body-parsers.js';
import { refusalLogDetails, toErrorReply } from '../http/error-reply.js';
import type { KeyLimiter } from '../http/key-limiter.js';
import type { KeyGate } from '../http/signed-caller.js';

/**
 * The FaceID-compatible API (docs/compat-faceid.md): FaceID's and Face++'s endpoint shapes, field names, `sign`
 * and `api_key`/`api_secret` credentials and error strings, mapped onto our own services. Every call is authorised
 * with the same key rules as /v1 (key state, IP allowlist, organisation, certification, agreement, rate limits) and
 * charged by the same billing; nothing is computed a second way here.
 */
export interface FaceIdCompatDependencies {
  readonly faceIdAuth: FaceIdAuth;
  readonly keys: KeyGate;
  readonly limiter: KeyLimiter;
  readonly verification: Pick<VerificationService, 'compare'>;
  readonly faceIdLite: FaceIdLite;
  readonly confidenceAt: ConfidenceAt;
  readonly clock: Clock;
  readonly bodyLimitBytes: number;
  /** ID-card OCR (core/id-cards): `ocridcard` is served when it is there. */
  readonly idCards?: IdCardOcr | undefined;
}

/** The part of the ID-card service `ocridcard` maps onto (core/id-cards/id-cards.service.ts). */
export interface IdCardOcr {
  ocr(input: {
    caller: Caller;
    requestId: string;
    consent: { evidence: ReturnType<typeof compatConsent> };
    image: Uint8Array;
    side: 'front' | 'back' | 'auto';
  }): Promise<{ id: string; body: Record<string, unknown> }>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The one image field a FaceID route reads, named in its image and face errors (`NO_FACE_FOUND: image_ref1`). */
    faceIdImageField?: string;
    /** When a FaceID route started, for `time_used`. */
    faceIdStartedAt?: number;
  }
}

type Fields = Record<string, unknown>;

/** Consent on the compatibility endpoints: taken as recorded by the customer under its agreement, and marked so. */
export const compatConsentMethod = 'customer_agreement';
export const compatConsentTextVersion = 'faceid-compat';

export function registerFaceIdCompatRoutes(scope: FastifyInstance, deps: FaceIdCompatDependencies): void {
  // FaceID clients send form posts: urlencoded here, multipart through the server's parser (file parts as base64).
  scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    const raw = body as Buffer;
    request.rawBody = raw;
    done(null, Object.fromEntries(new URLSearchParams(raw.toString('utf8'))));
  });

  scope.addHook('onRequest', async (request) => {
    request.faceIdStartedAt = Date.now();
  });
  // Credentials before anything else, as on /v1: an unauthenticated caller learns nothing from validation.
  scope.addHook('preValidation', async (request, reply) => {
    if (request.routeOptions.config && isOpenRoute(request)) return;
    const fields = fieldsOf(request);
    const sign = optionalString(fields, 'sign', 2048);
    let keyId: string;
    if (sign !== undefined) {
      keyId = (await deps.faceIdAuth.bySign(sign, optionalString(fields, 'sign_version', 32))).keyId;
    } else {
      const apiKey = requiredString(fields, 'api_key', 128);
      const apiSecret = requiredString(fields, 'api_secret', 256);
      keyId = (await deps.faceIdAuth.bySecret(apiKey, apiSecret)).keyId;
    }
    const caller = await deps.keys.authorize({ keyId, ip: request.ip });
    const release = await deps.limiter.acquire(caller.keyId, caller.sandbox);
    reply.raw.once('close', release);
    request.caller = caller;
  });
  scope.addHook('preValidation', rejectUnparsedBody);
  scope.setErrorHandler((error, request, reply) => sendFaceIdError(error, request, reply, deps.bodyLimitBytes));

  const hidden = { schema: { hide: true } };

  // Face++ 1:1 compare.
  scope.post('/facepp/v3/compare', hidden, async (request) => {
    const caller = callerOf(request);
    const fields = fieldsOf(request);
    for (const unsupported of ['face_token1', 'face_token2', 'image_url1', 'image_url2']) {
      if (fields[unsupported] !== undefined) {
        throw new DomainError('compat.unsupported', {
          field: unsupported,
          reason: unsupported.startsWith('face_token')
            ? 'faces are not stored between calls, so there are no face tokens'
            : 'the server does not fetch images from URLs',
        });
      }
    }
    const image1 = imageOf(fields, ['image_file1', 'image_base64_1']);
    const image2 = imageOf(fields, ['image_file2', 'image_base64_2']);
    const result = await deps.verification.compare({
      caller,
      requestId: request.id,
      consent: { evidence: compatConsent(caller, deps.clock, `facepp:${request.id}`) },
      image1,
      image2,
    });
    const body = result.body;
    const comparison = faceIdComparison(body, deps.confidenceAt, ['1e-3', '1e-4', '1e-5']);
    const faces = Array.isArray(body['faces']) ? (body['faces'] as Fields[]) : [];
    return {
      request_id: request.id,
      time_used: timeUsed(request),
      ...(comparison ?? {}),
      image_id1: `${result.id}:1`,
      image_id2: `${result.id}:2`,
      faces1: faceList(faces[0], `${result.id}:1`),
      faces2: faceList(faces[1], `${result.id}:2`),
    };
  });

  // FaceID H5 "lite": get_token → the hosted page (/faceid/lite/do) → notify_url / return_url → get_result.
  scope.post('/faceid/lite/get_token', hidden, async (request) => {
    const caller = callerOf(request);
    const fields = fieldsOf(request);
    const comparisonType = optionalString(fields, 'comparison_type', 4) ?? '0';
    refuseUnsupportedComparison(comparisonType);
    request.faceIdImageField = 'image_ref1';
    const token = await deps.faceIdLite.getToken(caller, {
      flow: 'lite',
      returnUrl: urlField(fields, 'return_url', true)!,
      notifyUrl: urlField(fields, 'notify_url', true),
      bizNo: requiredString(fields, 'biz_no', 128),
      bizExtraData: optionalString(fields, 'biz_extra_data', 1024),
      uuid: optionalString(fields, 'uuid', 128),
      liveness: livenessOf(optionalString(fields, 'procedure_type', 32), 'procedure_type'),
      reference: optionalImage(fields, ['image_ref1']),
      locale: localeOf(fields),
    });
    return {
      request_id: request.id,
      time_used: timeUsed(request),
      token: token.token,
      biz_id: token.biz_id,
      expired_time: token.expired_time,
    };
  });

  // The page a FaceID client sends its user to: our hosted capture page behind the token.
  scope.get('/faceid/lite/do', { ...hidden, config: { faceIdOpen: true } }, async (request, reply) => {
    const token = optionalString(fieldsOf(request), 'token', 128);
    if (!token || !/^[A-Za-z0-9_-]+$/.test(token)) throw new DomainError('capture.unauthorized');
    return reply.redirect(`/capture/${token}`, 302);
  });

  const getResult = async (request: FastifyRequest) => {
    const caller = callerOf(request);
    const fields = fieldsOf(request);
    const bizId = optionalString(fields, 'biz_id', 64);
    const bizNo = bizId === undefined ? optionalString(fields, 'biz_no', 128) : undefined;
    if (bizId === undefined && bizNo === undefined) missing('biz_id');
    const result = await deps.faceIdLite.getResult(caller, { bizId, bizNo });
    return { request_id: request.id, time_used: timeUsed(request), ...result };
  };
  scope.get('/faceid/lite/get_result', hidden, getResult);
  scope.post('/faceid/lite/get_result', hidden, getResult);

  // FaceID app SDK (v3): get_biz_token opens one of our capture sessions; the MegLive packet is out of scope.
  scope.post('/faceid/v3/sdk/get_biz_token', hidden, async (request) => {
    const caller = callerOf(request);
    const fields = fieldsOf(request);
    refuseUnsupportedComparison(requiredString(fields, 'comparison_type', 4));
    request.faceIdImageField = 'image_ref1';
    const token = await deps.faceIdLite.getToken(caller, {
      flow: 'sdk',
      returnUrl: urlField(fields, 'return_url', false) ?? 'about:blank',
      notifyUrl: urlField(fields, 'notify_url', false),
      bizNo: optionalString(fields, 'biz_no', 128),
      uuid: optionalString(fields, 'uuid', 128),
      liveness: livenessOf(requiredString(fields, 'liveness_type', 32), 'liveness_type'),
      reference: requiredImage(fields, ['image_ref1']),
      locale: localeOf(fields),
    });
    return {
      request_id: request.id,
      time_used: timeUsed(request),
      biz_token: token.token,
      biz_id: token.biz_id,
      url: token.url,
    };
  });

  // ID-card OCR (Chinese resident ID card, either side), on our own OCR service.
  const idCards = deps.idCards;
  if (idCards) {
    const ocridcard = async (request: FastifyRequest) => {
      const caller = callerOf(request);
      const fields = fieldsOf(request);
      if (optionalString(fields, 'return_portrait', 2) === '1') {
        throw new DomainError('compat.unsupported', { field: 'return_portrait', reason: 'portraits are not returned' });
      }
      request.faceIdImageField = 'image';
      const result = await idCards.ocr({
        caller,
        requestId: request.id,
        consent: { evidence: compatConsent(caller, deps.clock, `faceid-ocr:${request.id}`) },
        image: requiredImage(fields, ['image']),
        side: 'auto',
      });
      return { request_id: request.id, time_used: timeUsed(request), ...faceIdIdCard(result.body) };
    };
    scope.post('/faceid/v3/ocridcard', hidden, ocridcard);
    scope.post('/faceid/v5/ocridcard', hidden, ocridcard);
  }

  scope.post('/faceid/v3/sdk/verify', hidden, async (request) => {
    const fields = fieldsOf(request);
    requiredString(fields, 'biz_token', 128);
    throw new DomainError('compat.unsupported', {
      field: 'meglive_data',
      reason:
        'the MegLive SDK’s meglive_data packet is a proprietary binary format this server does not read; open the biz_token’s hosted page (/faceid/lite/do?token=<biz_token>) and read the result with /faceid/lite/get_result',
    });
  });
}

function isOpenRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { faceIdOpen?: boolean } | undefined)?.faceIdOpen === true;
}

function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('FaceID route reached without a caller');
  return request.caller;
}

function fieldsOf(request: FastifyRequest): Fields {
  const query = (request.query ?? {}) as Fields;
  const body = request.body && typeof request.body === 'object' ? (request.body as Fields) : {};
  return { ...query, ...body };
}

const timeUsed = (request: FastifyRequest) => Date.now() - (request.faceIdStartedAt ?? Date.now());

function missing(field: string): never {
  throw new DomainError('request.invalid', { faceid: `MISSING_ARGUMENTS: ${field}`, field });
}
function bad(field: string, reason: string): never {
  throw new DomainError('request.invalid', { faceid: `BAD_ARGUMENTS: ${field}`, field, reason });
}

function optionalString(fields: Fields, name: string, max: number): string | undefined {
  const value = fields[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') bad(name, 'not a string');
  if (value.length > max) bad(name, `longer than ${max} characters`);
  return value;
}

function requiredString(fields: Fields, name: string, max: number): string {
  return optionalString(fields, name, max) ?? missing(name);
}

function urlField(fields: Fields, name: string, required: boolean): string | undefined {
  const value = required ? requiredString(fields, name, 2048) : optionalString(fields, name, 2048);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    bad(name, 'not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') bad(name, 'not an http(s) URL');
  return value;
}

/** A FaceID image field: a multipart file part (read as base64) or a base64 text field. */
function optionalImage(fields: Fields, names: readonly string[]): Uint8Array | undefined {
  for (const name of names) {
    const value = optionalString(fields, name, 16 * 1024 * 1024);
    if (value === undefined) continue;
    const base64 = value.startsWith('data:') ? value.slice(value.indexOf(',') + 1) : value;
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0) bad(name, 'empty image');
    return bytes;
  }
  return undefined;
}

function requiredImage(fields: Fields, names: readonly string[]): Uint8Array {
  return optionalImage(fields, names) ?? missing(names[0]!);
}

function imageOf(fields: Fields, names: readonly string[]): Uint8Array {
  return requiredImage(fields, names);
}

function livenessOf(value: string | undefined, field: string): 'still' | 'action' {
  switch (value ?? 'still') {
    case 'still':
      return 'still';
    case 'meglive':
    case 'actionliveness':
      return 'action';
    default:
      throw new DomainError('compat.unsupported', {
        field,
        reason: 'supported values: still (passive), meglive / actionliveness (action challenges)',
      });
  }
}

function refuseUnsupportedComparison(comparisonType: string): void {
  if (comparisonType === '0') return;
  if (comparisonType === '1') {
    throw new DomainError('compat.unsupported', {
      field: 'comparison_type',
      reason: 'comparison_type 1 (against an identity data source) is not mapped yet; upload image_ref1 with 0',
    });
  }
  bad('comparison_type', 'must be 0');
}

function localeOf(fields: Fields): 'zh-CN' | 'en' | undefined {
  const language = optionalString(fields, 'language', 8);
  if (language === undefined) return undefined;
  return language === '1' || language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

function compatConsent(caller: Caller, clock: Clock, subjectRef: string) {
  return {
    subjectRef,
    textVersion: compatConsentTextVersion,
    obtainedAt: clock.now().toISOString(),
    method: compatConsentMethod,
  };
}

function faceList(face: Fields | undefined, token: string) {
  const box = face?.['box'] as { x: number; y: number; width: number; height: number } | undefined;
  if (!box) return [];
  return [
    {
      face_token: token,
      face_rectangle: {
        top: Math.round(box.y),
        left: Math.round(box.x),
        width: Math.round(box.width),
        height: Math.round(box.height),
      },
    },
  ];
}

/** Our ID-card reading (core's `idCardResponse`) in FaceID's ocridcard fields. */
export function faceIdIdCard(body: Record<string, unknown>): Record<string, unknown> {
  type Read = { value: string; confidence: number } | null | undefined;
  const field = (read: Read, extra: Record<string, unknown> = {}) =>
    read ? { result: read.value, quality: read.confidence, ...extra } : undefined;
  const checks = (body['checks'] ?? {}) as Record<string, unknown>;
  const common = { result: body['valid'] === true ? 1001 : 1002 };
  if (body['side'] === 'front') {
    const front = (body['front'] ?? {}) as Record<string, Read>;
    const [year, month, day] = (front['birth_date']?.value ?? '').split('-');
    const birth = (part: string | undefined) =>
      part && front['birth_date'] ? { result: part, quality: front['birth_date'].confidence } : undefined;
    const numberLogic =
      checks['id_number_valid'] === true &&
      checks['birth_date_matches_number'] !== false &&
      checks['sex_matches_number'] !== false
        ? 0
        : 1;
    return {
      ...common,
      side: 0,
      name: field(front['name']),
      gender: field(front['sex']),
      nationality: field(front['ethnicity']),
      birth_year: birth(year),
      birth_month: birth(month),
      birth_day: birth(day),
      address: field(front['address']),
      idcard_number: field(front['id_number'], { logic: numberLogic }),
    };
  }
  const back = (body['back'] ?? {}) as Record<string, Read>;
  const date = (read: Read) =>
    read ? { ...read, value: read.value === 'long_term' ? '长期' : read.value.replaceAll('-', '') } : read;
  const validityLogic = checks['validity_well_formed'] === true && checks['not_expired'] !== false ? 0 : 1;
  return {
    ...common,
    side: 1,
    issued_by: field(back['issuing_authority']),
    valid_date_start: field(date(back['valid_from']), { logic: validityLogic }),
    valid_date_end: field(date(back['valid_until']), { logic: validityLogic }),
  };
}

/** Our registered codes in FaceID's words: HTTP status and `error_message`. */
function faceIdError(code: string, details: Record<string, unknown> | undefined, imageField: string | undefined) {
  const withField = (message: string) => (imageField ? `${message}: ${imageField}` : message);
  switch (code) {
    case 'signature.missing':
    case 'signature.invalid':
    case 'key.revoked':
      return { status: 401, message: 'AUTHENTICATION_ERROR' };
    case 'signature.expired':
      return { status: 400, message: 'EXPIRED_SIGN' };
    case 'signature.replayed':
      return { status: 400, message: 'EXPIRED_SIGN: one-time sign already used' };
    case 'key.ip_not_allowed':
      return { status: 403, message: 'AUTHORIZATION_ERROR: IP_NOT_ALLOWED' };
    case 'org.suspended':
      return { status: 403, message: 'AUTHORIZATION_ERROR: ACCOUNT_SUSPENDED' };
    case 'org.frozen':
      return { status: 403, message: 'AUTHORIZATION_ERROR: ACCOUNT_FROZEN' };
    case 'org.not_certified':
      return { status: 403, message: 'AUTHORIZATION_ERROR: NOT_CERTIFIED' };
    case 'agreement.not_accepted':
      return { status: 403, message: 'AUTHORIZATION_ERROR: AGREEMENT_NOT_ACCEPTED' };
    case 'billing.insufficient_balance':
      return { status: 403, message: 'AUTHORIZATION_ERROR: INSUFFICIENT_BALANCE' };
    case 'billing.price_not_set':
      return { status: 403, message: 'AUTHORIZATION_ERROR: PRICE_NOT_SET' };
    case 'key.rate_limited':
    case 'key.concurrency_limited':
    case 'subject.rate_limited':
    case 'capture.rate_limited':
    case 'service.overloaded':
      return { status: 403, message: 'CONCURRENCY_LIMIT_EXCEEDED' };
    case 'request.body_too_large':
      return { status: 413, message: 'Request Entity Too Large' };
    case 'request.invalid':
      return {
        status: 400,
        message: typeof details?.['faceid'] === 'string' ? details['faceid'] : 'BAD_ARGUMENTS',
      };
    case 'request.unsupported_media_type':
      return { status: 400, message: 'BAD_ARGUMENTS: content-type' };
    case 'compat.unsupported':
      return { status: 400, message: `BAD_ARGUMENTS: ${String(details?.['field'] ?? '')}` };
    case 'image.unsupported_format':
    case 'image.corrupt':
      return { status: 400, message: withField('IMAGE_ERROR_UNSUPPORTED_FORMAT') };
    case 'image.too_large':
    case 'image.too_small':
      return { status: 400, message: withField('INVALID_IMAGE_SIZE') };
    case 'face.none':
      return { status: 400, message: withField('NO_FACE_FOUND') };
    case 'image.no_id_card':
      return { status: 400, message: 'NO_IDCARD_FOUND' };
    case 'face.multiple':
      return { status: 400, message: withField('MULTIPLE_FACES') };
    case 'capture.notify_url_refused':
      return { status: 400, message: 'BAD_ARGUMENTS: notify_url' };
    case 'capture.not_found':
      return { status: 400, message: 'BAD_ARGUMENTS: biz_id' };
    case 'capture.unauthorized':
      return { status: 400, message: 'BAD_ARGUMENTS: token' };
    case 'result.expired':
      return { status: 400, message: 'RESULT_EXPIRED: kept 1 day and readable 3 times' };
    case 'request.not_found':
      return { status: 404, message: 'API_NOT_FOUND' };
    default: {
      const status = (errorRegistry as Record<string, { status: number }>)[code]?.status ?? 500;
      return status >= 500 ? { status: 500, message: 'INTERNAL_ERROR' } : { status, message: 'BAD_ARGUMENTS' };
    }
  }
}

function sendFaceIdError(error: unknown, request: FastifyRequest, reply: FastifyReply, bodyLimitBytes: number) {
  const mapped = toErrorReply(error, request.id, { bodyLimitBytes: request.routeOptions?.bodyLimit ?? bodyLimitBytes });
  if (mapped.internal) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: mapped.code, ...refusalLogDetails(error) }, 'request refused');
  const { status, message } = faceIdError(mapped.code, mapped.body.error.details, request.faceIdImageField);
  if (mapped.retryAfterSeconds !== undefined) reply.header('retry-after', String(mapped.retryAfterSeconds));
  const body: Record<string, unknown> = {
    request_id: request.id,
    time_used: timeUsed(request),
    error_message: message,
    // FaceID's SDK endpoints name the field `error`; both are sent there.
    ...(request.url.startsWith('/faceid/v3/') ? { error: message } : {}),
    // Our own code and details, for whoever reads beyond FaceID's fields.
    visage_error: { code: mapped.code, ...(mapped.body.error.details ? { details: mapped.body.error.details } : {}) },
  };
  return reply.status(status).type('application/json').serializer(JSON.stringify).send(body);
}
