import type {
  captureSessionCreatedSchema,
  captureSessionCreateRequestSchema,
  captureSessionSchema,
  compareRequestSchema,
  compareResponseSchema,
  consentCreateRequestSchema,
  consentResponseSchema,
  deletionReceiptSchema,
  idCardOcrRequestSchema,
  idCardOcrResponseSchema,
  livenessRequestSchema,
  livenessResponseSchema,
  verificationRequestSchema,
  verificationResponseSchema,
} from '@visage/contracts';
import type { z } from 'zod';
import { randomToken, utf8 } from './encoding.js';
import { apiErrorFor, sdkErrorMessages, VisageConnectionError, VisageError, type SdkErrorCode } from './errors.js';
import { defaultBackoff, parseRetryAfter, retryDelayMs, type BackoffPolicy } from './retry.js';
import { signRequest } from './signer.js';

// Request types are the schemas' inputs (fields with a server default are optional); responses are their outputs.
export type CompareRequest = z.input<typeof compareRequestSchema>;
export type CompareResponse = z.output<typeof compareResponseSchema>;
export type LivenessRequest = z.input<typeof livenessRequestSchema>;
export type LivenessResponse = z.output<typeof livenessResponseSchema>;
export type VerificationRequest = z.input<typeof verificationRequestSchema>;
export type Verification = z.output<typeof verificationResponseSchema>;
export type ConsentRequest = z.input<typeof consentCreateRequestSchema>;
export type Consent = z.output<typeof consentResponseSchema>;
export type DeletionReceipt = z.output<typeof deletionReceiptSchema>;
export type IdCardOcrRequest = z.input<typeof idCardOcrRequestSchema>;
export type IdCardOcrResponse = z.output<typeof idCardOcrResponseSchema>;
export type CaptureSessionRequest = z.input<typeof captureSessionCreateRequestSchema>;
export type CaptureSessionCreated = z.output<typeof captureSessionCreatedSchema>;
export type CaptureSession = z.output<typeof captureSessionSchema>;

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface VisageClientOptions {
  /** The server's address, e.g. `https://visage.example.com` (a path prefix is kept: `https://host/visage`). */
  readonly baseUrl: string;
  /** The API key's id (`key_…`). */
  readonly keyId: string;
  /** The API key's secret, shown once when the key was created. Keep it on your server. */
  readonly secret: string;
  /** Another fetch (a mock in tests, one with a proxy agent); default: the global fetch. */
  readonly fetch?: Fetch;
  /** Retries after the first attempt (default 2): see "Retries" in the README. 0 turns them off. */
  readonly retries?: number;
  /** Per attempt: how long to wait for the whole answer (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Backoff between retries (default: 0.5 s doubling, full jitter, at most 8 s; Retry-After up to 60 s). */
  readonly backoff?: Partial<BackoffPolicy>;
}

export interface CallOptions {
  /**
   * Calls that may be charged (compare, liveness, verifications, ID-card OCR) carry an Idempotency-Key: a new one per call
   * unless you pass yours (to make a call safe to repeat across restarts of your own process). Every retry of the
   * call reuses it, so a call is charged at most once.
   */
  readonly idempotencyKey?: string;
  /** Cancels the call, retries included. */
  readonly signal?: AbortSignal;
}

interface Call {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** The route replays an answer for a repeated Idempotency-Key. */
  readonly keyed?: boolean;
  /** Safe to send twice without a key (reads, erasures). */
  readonly safe?: boolean;
  readonly options: CallOptions | undefined;
}

/**
 * The Visage API for a customer's server: every public /v1 endpoint, signed with an API key. Calls retry on network
 * errors, timeouts, 429 and 503 (honouring Retry-After) when repeating them is safe, never on other errors, and
 * throw VisageError subclasses carrying the server's error code.
 */
export class VisageClient {
  readonly #base: URL;
  readonly #key: { keyId: string; secret: string };
  readonly #fetch: Fetch;
  readonly #retries: number;
  readonly #timeoutMs: number;
  readonly #backoff: BackoffPolicy;

  constructor(options: VisageClientOptions) {
    if (!options.keyId || !options.secret) throw new TypeError('VisageClient needs keyId and secret');
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.#key = { keyId: options.keyId, secret: options.secret };
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#retries = options.retries ?? 2;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#backoff = { ...defaultBackoff, ...options.backoff };
    if (!Number.isInteger(this.#retries) || this.#retries < 0) throw new TypeError('retries must be an integer ≥ 0');
    if (!(this.#timeoutMs > 0)) throw new TypeError('timeoutMs must be positive');
  }

  /** POST /v1/compare: are the faces in two photos the same person (1:1)? Charged on live keys. */
  compare(request: CompareRequest, options?: CallOptions): Promise<CompareResponse> {
    return this.#call({ method: 'POST', path: 'v1/compare', body: request, keyed: true, options });
  }

  /** POST /v1/liveness: passive liveness of one face. Charged on live keys. */
  liveness(request: LivenessRequest, options?: CallOptions): Promise<LivenessResponse> {
    return this.#call({ method: 'POST', path: 'v1/liveness', body: request, keyed: true, options });
  }

  /** POST /v1/verifications: a live selfie against a reference (a photo, or the identity registry). */
  createVerification(request: VerificationRequest, options?: CallOptions): Promise<Verification> {
    return this.#call({ method: 'POST', path: 'v1/verifications', body: request, keyed: true, options });
  }

  /** POST /v1/id-cards/ocr: read one side of a resident ID card and check its fields (docs/id-cards.md). */
  readIdCard(request: IdCardOcrRequest, options?: CallOptions): Promise<IdCardOcrResponse> {
    return this.#call({ method: 'POST', path: 'v1/id-cards/ocr', body: request, keyed: true, options });
  }

  /** GET /v1/verifications/{id}: a kept result (at most 3 reads, within the app's result retention). */
  getVerification(id: string, options?: CallOptions): Promise<Verification> {
    return this.#call({ method: 'GET', path: `v1/verifications/${segment(id)}`, safe: true, options });
  }

  /** DELETE /v1/verifications/{id}: erase a verification's images, templates and result; answers a receipt. */
  deleteVerification(id: string, options?: CallOptions): Promise<DeletionReceipt> {
    return this.#call({ method: 'DELETE', path: `v1/verifications/${segment(id)}`, safe: true, options });
  }

  /** DELETE /v1/subjects/{subject_ref}: erase everything kept about one end user. */
  eraseSubject(subjectRef: string, options?: CallOptions): Promise<DeletionReceipt> {
    return this.#call({ method: 'DELETE', path: `v1/subjects/${segment(subjectRef)}`, safe: true, options });
  }

  /** POST /v1/consents: record consent evidence once and refer to it by `consent_id`. */
  createConsent(request: ConsentRequest, options?: CallOptions): Promise<Consent> {
    return this.#call({ method: 'POST', path: 'v1/consents', body: request, options });
  }

  /** POST /v1/capture-sessions: open a hosted capture session; send the person to `url`. */
  createCaptureSession(request: CaptureSessionRequest, options?: CallOptions): Promise<CaptureSessionCreated> {
    return this.#call({ method: 'POST', path: 'v1/capture-sessions', body: request, options });
  }

  /** GET /v1/capture-sessions/{id}: status and, once finished, the result. */
  getCaptureSession(id: string, options?: CallOptions): Promise<CaptureSession> {
    return this.#call({ method: 'GET', path: `v1/capture-sessions/${segment(id)}`, safe: true, options });
  }

  async #call<T>(call: Call): Promise<T> {
    const url = new URL(call.path, this.#base);
    const body = call.body === undefined ? undefined : utf8(JSON.stringify(call.body));
    const idempotencyKey = call.keyed ? (call.options?.idempotencyKey ?? `idk_${randomToken(18)}`) : undefined;
    // A request that may have reached the server is repeated only when repeating it cannot do the work twice.
    const repeatable = call.safe === true || idempotencyKey !== undefined;
    const signal = call.options?.signal;

    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(call.method, url, body, idempotencyKey, signal, attempt);
      if (outcome.kind === 'ok') return outcome.value as T;
      const { error } = outcome;
      const retryable =
        outcome.kind === 'no-answer'
          ? repeatable && error.code !== 'sdk.aborted'
          : error.status === 429 ||
            error.status === 503 ||
            // The first attempt is still running (its answer was lost): the same key returns its answer once done.
            (idempotencyKey !== undefined && error.code === 'idempotency.in_progress');
      if (!retryable || attempt > this.#retries) throw error;
      const wait = retryDelayMs(attempt, outcome.kind === 'answer' ? outcome.retryAfterMs : undefined, this.#backoff);
      if (wait === undefined) throw error;
      await sleep(wait, signal).catch(() => {
        throw connectionError('sdk.aborted', attempt, signal?.reason);
      });
    }
  }

  async #attempt(
    method: string,
    url: URL,
    body: Uint8Array<ArrayBuffer> | undefined,
    idempotencyKey: string | undefined,
    signal: AbortSignal | undefined,
    attempt: number,
  ): Promise<
    | { kind: 'ok'; value: unknown }
    | { kind: 'answer'; error: VisageError; retryAfterMs: number | undefined }
    | { kind: 'no-answer'; error: VisageError }
  > {
    if (signal?.aborted) return { kind: 'no-answer', error: connectionError('sdk.aborted', attempt, signal.reason) };
    // Signed per attempt: the server accepts each nonce once and each timestamp for ±300 s.
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(await signRequest(this.#key, {
        method,
        path: url.pathname,
        query: url.search.slice(1),
        ...(body ? { body } : {}),
      })),
    };
    if (body) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url.href, {
        method,
        headers,
        ...(body ? { body } : {}),
        // A redirect is an error answer, never followed: the signed headers and the body (selfies, ID numbers) go to
        // the configured server only, and no other address can answer in its name.
        redirect: 'manual',
        signal: controller.signal,
      });
      text = await response.text();
    } catch (cause) {
      const code: SdkErrorCode = signal?.aborted ? 'sdk.aborted' : timedOut ? 'sdk.timeout' : 'sdk.network_error';
      return { kind: 'no-answer', error: connectionError(code, attempt, cause) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    const requestId = response.headers.get('x-request-id') ?? undefined;
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) {
      if (parsed === undefined || typeof parsed !== 'object' || parsed === null) {
        return {
          kind: 'answer',
          error: new VisageConnectionError({
            code: 'sdk.invalid_response',
            message: sdkErrorMessages['sdk.invalid_response'],
            status: response.status,
            requestId,
            attempts: attempt,
          }),
          retryAfterMs: undefined,
        };
      }
      return { kind: 'ok', value: parsed };
    }
    const problem = errorBodyOf(parsed);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      kind: 'answer',
      retryAfterMs,
      error: apiErrorFor({
        code: problem?.code ?? 'sdk.invalid_response',
        message: problem?.message ?? `${sdkErrorMessages['sdk.invalid_response']} (HTTP ${response.status})`,
        status: response.status,
        requestId: problem?.request_id ?? requestId,
        details: problem?.details,
        attempts: attempt,
        retryAfterSeconds: retryAfterMs === undefined ? undefined : retryAfterMs / 1000,
      }),
    };
  }
}

/** One path segment, percent-encoded: an id can never reach another route. */
const segment = (value: string): string => {
  if (value === '') throw new TypeError('an id must not be empty');
  return encodeURIComponent(value);
};

function errorBodyOf(
  value: unknown,
): { code: string; message: string; details?: Record<string, unknown>; request_id?: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, details, request_id } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return {
    code,
    message,
    ...(typeof details === 'object' && details !== null ? { details: details as Record<string, unknown> } : {}),
    ...(typeof request_id === 'string' ? { request_id } : {}),
  };
}

function connectionError(code: SdkErrorCode, attempts: number, cause: unknown): VisageConnectionError {
  return new VisageConnectionError({ code, message: sdkErrorMessages[code], attempts, cause });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
