import { canonicalRequest, signingHeaders } from '@visage/contracts/signing';

/**
 * Signs a /v1 request in the browser exactly as docs/api/signing.md says (the canonical string comes from
 * packages/contracts/src/signing.ts), with WebCrypto's HMAC-SHA256. The secret is used and forgotten.
 */
export async function signRequest(input: {
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  readonly body: string;
  readonly keyId: string;
  readonly secret: string;
  readonly timestamp?: number;
  readonly nonce?: string;
}): Promise<Record<string, string>> {
  const encoder = new TextEncoder();
  const bodyHash = hex(await crypto.subtle.digest('SHA-256', encoder.encode(input.body)));
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = input.nonce ?? hex(crypto.getRandomValues(new Uint8Array(16)).buffer);
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path,
    query: input.query ?? '',
    timestamp,
    nonce,
    bodySha256Hex: bodyHash,
  });
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(input.secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const signature = hex(await crypto.subtle.sign('HMAC', key, encoder.encode(canonical)));
  return {
    [signingHeaders.key]: input.keyId,
    [signingHeaders.timestamp]: timestamp,
    [signingHeaders.nonce]: nonce,
    [signingHeaders.signature]: signature,
  };
}

function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
}
