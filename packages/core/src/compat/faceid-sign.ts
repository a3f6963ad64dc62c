import { signatureWindowSeconds } from '@visage/contracts';
import { DomainError } from '../domain-error.js';
import type { Clock } from '../ports.js';
import type { NonceStore, SigningSecrets } from '../signing/signature-verifier.js';
import type { FaceIdHashes } from './faceid.ports.js';

/**
 * FaceID's `sign` (docs/compat-faceid.md): base64( HMAC-SHA1(api_secret, raw) ‖ raw ) with
 * raw = `a=<api_key>&b=<expire_time>&c=<current_time>&d=<random>`. `expire_time` 0 makes a one-time signature:
 * `current_time` must then lie within the signing window and the signature is accepted once (the nonce store
 * remembers it). Otherwise the signature may be reused until `expire_time`.
 */
export interface ParsedFaceIdSign {
  readonly apiKey: string;
  readonly expireTime: number;
  readonly currentTime: number;
  readonly random: string;
  readonly digest: Uint8Array;
  readonly raw: string;
}

const digestBytes = 20;
const rawPattern = /^a=([A-Za-z0-9_-]{1,128})&b=(\d{1,12})&c=(\d{1,12})&d=(\d{1,10})$/;

/** Splits a sign into digest and fields; 'signature.invalid' when it is not one. */
export function parseFaceIdSign(sign: string): ParsedFaceIdSign {
  const text = sign.trim();
  if (text.length === 0 || text.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new DomainError('signature.invalid', { reason: 'sign is not standard base64' });
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new DomainError('signature.invalid', { reason: 'sign is not standard base64' });
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  const raw = binary.slice(digestBytes);
  const match = rawPattern.exec(raw);
  if (bytes.length <= digestBytes || !match) {
    throw new DomainError('signature.invalid', { reason: 'sign does not carry a=…&b=…&c=…&d=…' });
  }
  return {
    apiKey: match[1]!,
    expireTime: Number(match[2]),
    currentTime: Number(match[3]),
    random: match[4]!,
    digest: bytes.slice(0, digestBytes),
    raw,
  };
}

/** Builds a sign as a FaceID client does (tests, docs examples). */
export function buildFaceIdSign(
  hashes: Pick<FaceIdHashes, 'hmacSha1'>,
  input: { apiKey: string; apiSecret: string; expireTime: number; currentTime: number; random: string },
): string {
  const raw = `a=${input.apiKey}&b=${input.expireTime}&c=${input.currentTime}&d=${input.random}`;
  const digest = hashes.hmacSha1(input.apiSecret, raw);
  const all = new Uint8Array(digest.length + raw.length);
  all.set(digest, 0);
  all.set(
    Uint8Array.from(raw, (char) => char.charCodeAt(0)),
    digest.length,
  );
  return btoa(String.fromCharCode(...all));
}

/** The notify_url callback's `sign`: lower-case hex SHA-1 of api_secret followed by the `data` JSON text. */
export const faceIdNotifySign = (hashes: Pick<FaceIdHashes, 'sha1Hex'>, apiSecret: string, data: string): string =>
  hashes.sha1Hex(apiSecret + data);

/** The default longest life of a reusable sign: 30 days (the longest key-rotation grace). */
export const faceIdSignMaxSeconds = 30 * 86_400;

/**
 * Checks FaceID credentials and resolves them to a Visage key id: either `sign` (+ `sign_version` hmac_sha1) or the
 * `api_key` / `api_secret` pair the lite and Face++ endpoints carry. Key state (revocation, IP allowlist, org,
 * certification, agreement) is the caller's next step, exactly as for a /v1 signature.
 */
export function createFaceIdAuth(ports: {
  secrets: SigningSecrets;
  nonces: NonceStore;
  clock: Clock;
  hashes: FaceIdHashes;
  /**
   * The longest a reusable sign may live, `expire_time - current_time` in seconds (VISAGE_FACEID_SIGN_MAX_SECONDS):
   * a sign is a bearer credential that only revoking the key can stop.
   */
  maxSignSeconds?: number;
}) {
  const { secrets, nonces, clock, hashes } = ports;
  const maxSignSeconds = ports.maxSignSeconds ?? faceIdSignMaxSeconds;
  const encoder = new TextEncoder();
  return {
    async bySecret(apiKey: string, apiSecret: string): Promise<{ keyId: string }> {
      const secret = apiKey ? await secrets.secretOf(apiKey) : undefined;
      // An unknown key and a wrong secret answer alike; the comparison does not leak the secret's prefix.
      if (secret === undefined || !hashes.equalBytes(encoder.encode(secret), encoder.encode(apiSecret))) {
        throw new DomainError('signature.invalid', { reason: 'api_key / api_secret do not match' });
      }
      return { keyId: apiKey };
    },

    async bySign(sign: string, signVersion: string | undefined): Promise<{ keyId: string }> {
      if (signVersion !== undefined && signVersion !== 'hmac_sha1') {
        throw new DomainError('signature.invalid', { reason: 'sign_version must be hmac_sha1' });
      }
      const parsed = parseFaceIdSign(sign);
      const secret = await secrets.secretOf(parsed.apiKey);
      if (secret === undefined || !hashes.equalBytes(hashes.hmacSha1(secret, parsed.raw), parsed.digest)) {
        throw new DomainError('signature.invalid', { reason: 'sign does not match' });
      }
      const now = Math.floor(clock.now().getTime() / 1000);
      if (parsed.currentTime > now + signatureWindowSeconds) {
        throw new DomainError('signature.expired', { reason: 'current_time lies in the future' });
      }
      if (parsed.expireTime === 0) {
        if (now - parsed.currentTime > signatureWindowSeconds) {
          throw new DomainError('signature.expired', { window_seconds: signatureWindowSeconds, one_time: true });
        }
        // Remembered after the digest held (a forged sign cannot burn a real one), for twice the window.
        const expiresAt = new Date((parsed.currentTime + 2 * signatureWindowSeconds) * 1000);
        const nonce = `faceid:${parsed.currentTime}:${parsed.random}`;
        if (!(await nonces.remember(parsed.apiKey, nonce, expiresAt))) {
          throw new DomainError('signature.replayed', { one_time: true });
        }
      } else {
        if (parsed.currentTime > parsed.expireTime) {
          throw new DomainError('signature.invalid', { reason: 'current_time is later than expire_time' });
        }
        if (parsed.expireTime - parsed.currentTime > maxSignSeconds) {
          throw new DomainError('signature.invalid', {
            reason: `expire_time is more than ${maxSignSeconds} seconds after current_time`,
            max_seconds: maxSignSeconds,
          });
        }
        if (now > parsed.expireTime) throw new DomainError('signature.expired', { expire_time: parsed.expireTime });
      }
      return { keyId: parsed.apiKey };
    },
  };
}

export type FaceIdAuth = ReturnType<typeof createFaceIdAuth>;
