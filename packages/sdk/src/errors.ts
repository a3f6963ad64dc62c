import { errorRegistry, isErrorCode, type ErrorCode } from '@visage/contracts';

/**
 * Codes the SDK reports itself, when no error body came back from the server. Every other code is one of the
 * server's registered codes (docs/errors.md).
 */
export const sdkErrorMessages = Object.freeze({
  'sdk.network_error': 'The request did not reach the server, or its answer was cut off.',
  'sdk.timeout': 'The server did not answer within timeoutMs.',
  'sdk.aborted': 'The call was cancelled by its AbortSignal.',
  'sdk.invalid_response': 'The server answered with something that is not a Visage API response.',
} as const);

export type SdkErrorCode = keyof typeof sdkErrorMessages;

/** For docs/errors.md: when each SDK code happens and what to do about it. */
export const sdkErrorNotes: Readonly<Record<SdkErrorCode, { readonly details?: string; readonly hint: string }>> = {
  'sdk.network_error': {
    details:
      'Connection refused or reset, DNS failure, TLS failure. Retried (with backoff) only when repeating the call is safe: reads, erasures and calls carrying an Idempotency-Key. `status` is undefined.',
    hint: 'Check the base URL and the network; a keyed call can be repeated with the same `idempotencyKey`.',
  },
  'sdk.timeout': {
    details: 'No complete answer within `timeoutMs` (per attempt). Retried like `sdk.network_error`.',
    hint: 'Raise `timeoutMs`, or repeat a keyed call with the same `idempotencyKey`: it is charged at most once.',
  },
  'sdk.aborted': {
    details: 'The `signal` passed to the call was aborted; no further attempt is made.',
    hint: 'Nothing to do: your code cancelled the call.',
  },
  'sdk.invalid_response': {
    details:
      'A 2xx whose body is not a JSON object, or an error status without the `{"error":{…}}` body (a proxy’s 502 page). `status` is the HTTP status.',
    hint: 'Check that the base URL points at a Visage server, not at a proxy or another service.',
  },
};

/** A registered server code, an SDK code, or (from a newer server) a code this SDK does not know yet. */
// `string & {}` keeps the known codes suggested by editors while any string is accepted.
export type VisageErrorCode = ErrorCode | SdkErrorCode | (string & {});

export interface VisageErrorInit {
  readonly code: VisageErrorCode;
  readonly message: string;
  /** The HTTP status; undefined when no answer came back. */
  readonly status?: number | undefined;
  /** The server's request id (`req_…`): quote it to the operator. */
  readonly requestId?: string | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
  /** Attempts made, retries included. */
  readonly attempts?: number;
  readonly cause?: unknown;
}

/** Every error a VisageClient call throws. `code` is what to branch on. */
export class VisageError extends Error {
  override name = 'VisageError';
  readonly code: VisageErrorCode;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly attempts: number;

  constructor(init: VisageErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details;
    this.attempts = init.attempts ?? 1;
  }

  /** The registry entry's advice for a known server code (docs/errors.md), e.g. "Slow down and retry …". */
  get hint(): string | undefined {
    return isErrorCode(this.code) ? errorRegistry[this.code].hint : undefined;
  }
}

/** The server answered with an error body (`{ error: { code, message, details?, request_id } }`). */
export class VisageApiError extends VisageError {
  override name = 'VisageApiError';
}

/** 401/403 of request signing and keys: `signature.*`, `key.revoked`, `key.ip_not_allowed`, `key.not_active`. */
export class VisageAuthenticationError extends VisageApiError {
  override name = 'VisageAuthenticationError';
}

/** 400/413/415/422: the request itself is wrong (`request.invalid`, `image.*`, `face.*`, `consent.*` …). */
export class VisageInvalidRequestError extends VisageApiError {
  override name = 'VisageInvalidRequestError';
}

/** 429: a limit of the key or of the subject. `retryAfterSeconds` is the server's Retry-After. */
export class VisageRateLimitError extends VisageApiError {
  override name = 'VisageRateLimitError';
  readonly retryAfterSeconds: number | undefined;
  constructor(init: VisageErrorInit & { retryAfterSeconds?: number | undefined }) {
    super(init);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** 5xx: the service is busy, timed out or failed. Nothing was charged. */
export class VisageServerError extends VisageApiError {
  override name = 'VisageServerError';
}

/** No usable answer: a network failure, a timeout, a cancellation or a body that is not the API's. */
export class VisageConnectionError extends VisageError {
  override name = 'VisageConnectionError';
}

/** The subclass for an error body of STATUS with CODE. */
export function apiErrorFor(
  init: VisageErrorInit & { status: number; retryAfterSeconds?: number | undefined },
): VisageApiError {
  const { status, code } = init;
  if (status === 429) return new VisageRateLimitError(init);
  if (status >= 500) return new VisageServerError(init);
  const group = isErrorCode(code) ? errorRegistry[code].group : undefined;
  if (group === 'signature' || code === 'key.not_active') return new VisageAuthenticationError(init);
  if (status === 400 || status === 413 || status === 415 || status === 422) return new VisageInvalidRequestError(init);
  return new VisageApiError(init);
}
