/**
 * Request signing, the part both ends must agree on byte for byte: header names and the canonical string.
 * The HMAC itself is computed by the SDK and checked by the server (docs/api/signing.md).
 *
 *   canonical = METHOD \n PATH \n sorted query \n timestamp \n nonce \n hex(sha256(raw body))
 *   X-Visage-Signature = lowercase hex HMAC-SHA256(secret, canonical)
 */
export const signingHeaders = Object.freeze({
  key: 'x-visage-key',
  timestamp: 'x-visage-timestamp',
  nonce: 'x-visage-nonce',
  signature: 'x-visage-signature',
} as const);

/** Seconds a signed request stays valid either side of the server's clock. */
export const signatureWindowSeconds = 300;

/** 16–64 characters from the URL-safe alphabet. */
export const noncePattern = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedParts {
  readonly method: string;
  /** The path exactly as sent, without the query string (`/v1/compare`). */
  readonly path: string;
  /** The raw query string without `?` (`b=2&a=1`), or empty. */
  readonly query: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly bodySha256Hex: string;
}

/**
 * The query's `name=value` pairs sorted by name, then by value (byte order), joined with `&`, each kept exactly as
 * sent (no decoding or re-encoding), so that client and server sort the same bytes.
 */
export function sortedQueryString(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery.split('&').filter((p) => p !== '');
  return pairs
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? ([p, ''] as const) : ([p.slice(0, eq), p.slice(eq + 1)] as const);
    })
    .sort(([an, av], [bn, bv]) => compareBytes(an, bn) || compareBytes(av, bv))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export function canonicalRequest(parts: SignedParts): string {
  return [
    parts.method.toUpperCase(),
    parts.path,
    sortedQueryString(parts.query),
    parts.timestamp,
    parts.nonce,
    parts.bodySha256Hex.toLowerCase(),
  ].join('\n');
}

const compareBytes = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
