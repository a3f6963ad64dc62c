import { canonicalRequest, signingHeaders } from '@visage/contracts';
import { randomToken, toHex, utf8 } from './encoding.js';

/** An API key: its id (`key_…`) and the secret shown once when it was created. */
export interface SigningKey {
  readonly keyId: string;
  readonly secret: string;
}

export interface RequestToSign {
  readonly method: string;
  /** The path exactly as sent, without the query string (`/v1/compare`). */
  readonly path: string;
  /** The raw query string without `?`, or empty. */
  readonly query?: string;
  /** The raw body bytes (or text) exactly as sent; empty for GET and DELETE. */
  readonly body?: Uint8Array | string;
}

/**
 * The four X-Visage-* headers of a signed request (docs/api/signing.md):
 * `hex(HMAC-SHA256(secret, METHOD \n PATH \n sorted query \n timestamp \n nonce \n hex(sha256(body))))`, where the
 * HMAC key is the UTF-8 bytes of the secret. Each call makes a new nonce: the server accepts a nonce once, so a
 * retried request is signed again.
 */
export async function signRequest(
  key: SigningKey,
  request: RequestToSign,
  overrides: { readonly timestamp?: number; readonly nonce?: string } = {},
): Promise<Record<string, string>> {
  const timestamp = String(overrides.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = overrides.nonce ?? randomToken(16);
  const body = typeof request.body === 'string' ? utf8(request.body) : Uint8Array.from(request.body ?? []);
  const canonical = canonicalRequest({
    method: request.method,
    path: request.path,
    query: request.query ?? '',
    timestamp,
    nonce,
    bodySha256Hex: toHex(await crypto.subtle.digest('SHA-256', body)),
  });
  const hmacKey = await crypto.subtle.importKey('raw', utf8(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const signature = toHex(await crypto.subtle.sign('HMAC', hmacKey, utf8(canonical)));
  return {
    [signingHeaders.key]: key.keyId,
    [signingHeaders.timestamp]: timestamp,
    [signingHeaders.nonce]: nonce,
    [signingHeaders.signature]: signature,
  };
}
