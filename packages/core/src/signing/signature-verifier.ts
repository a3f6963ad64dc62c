import { canonicalRequest, noncePattern, signatureWindowSeconds, signingHeaders } from '@visage/contracts';
import { DomainError } from '../domain-error.js';
import type { Clock, Crypto } from '../ports.js';

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

/** Looks a key id up; undefined for unknown ids. Revocation, IP and organisation checks belong to the caller. */
export interface SigningSecrets {
  secretOf(keyId: string): Promise<string | undefined>;
}

/** Remembers nonces per key until they expire; `remember` answers false when the nonce was already there. */
export interface NonceStore {
  remember(keyId: string, nonce: string, expiresAt: Date): Promise<boolean>;
}

/**
 * Checks a signed request (docs/api/signing.md). The nonce is recorded only after the signature holds, so that a
 * forged request cannot burn a legitimate client's nonce.
 */
export function createSignatureVerifier(ports: {
  secrets: SigningSecrets;
  nonces: NonceStore;
  clock: Clock;
  crypto: Pick<Crypto, 'sha256Hex' | 'hmacSha256Hex' | 'equalHex'>;
}) {
  const { secrets, nonces, clock, crypto } = ports;
  return async function verifySignature(request: SignedRequest): Promise<{ keyId: string }> {
    const keyId = request.headers[signingHeaders.key];
    const timestamp = request.headers[signingHeaders.timestamp];
    const nonce = request.headers[signingHeaders.nonce];
    const signature = request.headers[signingHeaders.signature];
    if (!keyId || !timestamp || !nonce || !signature) throw new DomainError('signature.missing');
    if (!/^\d{1,12}$/.test(timestamp) || !noncePattern.test(nonce) || !/^[0-9a-fA-F]{64}$/.test(signature)) {
      throw new DomainError('signature.invalid');
    }
    const skew = Math.abs(clock.now().getTime() / 1000 - Number(timestamp));
    if (skew > signatureWindowSeconds)
      throw new DomainError('signature.expired', { window_seconds: signatureWindowSeconds });

    const secret = await secrets.secretOf(keyId);
    const canonical = canonicalRequest({
      method: request.method,
      path: request.path,
      query: request.query,
      timestamp,
      nonce,
      bodySha256Hex: crypto.sha256Hex(request.body),
    });
    // An unknown key is answered like a wrong signature: the caller learns nothing about which key ids exist.
    if (secret === undefined || !crypto.equalHex(crypto.hmacSha256Hex(secret, canonical), signature.toLowerCase())) {
      throw new DomainError('signature.invalid');
    }
    // Kept for twice the window: a nonce cannot come back while its timestamp could still be accepted.
    const expiresAt = new Date((Number(timestamp) + 2 * signatureWindowSeconds) * 1000);
    if (!(await nonces.remember(keyId, nonce, expiresAt))) throw new DomainError('signature.replayed');
    return { keyId };
  };
}
