import { createHash, createHmac, randomBytes } from 'node:crypto';
import { canonicalRequest, signingHeaders } from '@visage/contracts';

export interface SigningKey {
  readonly keyId: string;
  readonly secret: string;
}

/**
 * Headers of a signed request, computed the way docs/api/signing.md tells a client to: for the load benchmark, the
 * server's own tests (clients use the SDK's WebCrypto `signRequest`, packages/sdk).
 */
export function signedHeaders(
  key: SigningKey,
  request: { method: string; url: string; body?: Buffer | string },
  overrides: { timestamp?: number; nonce?: string } = {},
): Record<string, string> {
  const [path = '', query = ''] = request.url.split('?', 2);
  const timestamp = String(overrides.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = overrides.nonce ?? randomBytes(16).toString('hex');
  const canonical = canonicalRequest({
    method: request.method,
    path,
    query,
    timestamp,
    nonce,
    bodySha256Hex: createHash('sha256')
      .update(request.body ?? '')
      .digest('hex'),
  });
  return {
    [signingHeaders.key]: key.keyId,
    [signingHeaders.timestamp]: timestamp,
    [signingHeaders.nonce]: nonce,
    [signingHeaders.signature]: createHmac('sha256', key.secret).update(canonical).digest('hex'),
  };
}
