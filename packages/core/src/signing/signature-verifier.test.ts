import { canonicalRequest, signingHeaders } from '@visage/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import { testCrypto } from '../testing/node-ports.js';
import { createSignatureVerifier, type NonceStore, type SignedRequest } from './signature-verifier.js';

const secret = 'sk_test_0123456789abcdef';
const now = new Date('2026-11-29T09:00:00Z');
const nowSeconds = String(now.getTime() / 1000);

function memoryNonces(): NonceStore {
  const seen = new Set<string>();
  return {
    async remember(keyId, nonce) {
      const key = `${keyId}\n${nonce}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    },
  };
}

const verifier = (nonces = memoryNonces(), at = now) =>
  createSignatureVerifier({
    secrets: { secretOf: async (id) => (id === 'key_1' ? secret : undefined) },
    nonces,
    clock: { now: () => at },
    crypto: testCrypto,
  });

interface Parts {
  method: string;
  path: string;
  query: string;
  timestamp: string;
  nonce: string;
  body: Uint8Array;
}

function sign(parts: Parts, keyId = 'key_1'): SignedRequest {
  const canonical = canonicalRequest({ ...parts, bodySha256Hex: testCrypto.sha256Hex(parts.body) });
  return {
    method: parts.method,
    path: parts.path,
    query: parts.query,
    body: parts.body,
    headers: {
      [signingHeaders.key]: keyId,
      [signingHeaders.timestamp]: parts.timestamp,
      [signingHeaders.nonce]: parts.nonce,
      [signingHeaders.signature]: testCrypto.hmacSha256Hex(secret, canonical),
    },
  };
}

const base: Parts = {
  method: 'POST',
  path: '/v1/compare',
  query: 'b=2&a=1',
  timestamp: nowSeconds,
  nonce: 'n0nce-0123456789abcdef',
  body: new TextEncoder().encode('{"image1":"…","image2":"…"}'),
};

const rejects = async (promise: Promise<unknown>, code: string) =>
  expect(promise).rejects.toSatisfy((e: unknown) => e instanceof DomainError && e.code === code);

describe('signature verifier', () => {
  it('accepts a correctly signed request once, and refuses its replay', async () => {
    const verify = verifier();
    await expect(verify(sign(base))).resolves.toEqual({ keyId: 'key_1' });
    await rejects(verify(sign(base)), 'signature.replayed');
  });

  it('accepts the query in any order: the canonical form sorts it', async () => {
    const request = sign(base);
    await expect(verifier()({ ...request, query: 'a=1&b=2' })).resolves.toEqual({ keyId: 'key_1' });
  });

  it('refuses a request with a missing header', async () => {
    for (const header of Object.values(signingHeaders)) {
      const request = sign(base);
      await rejects(
        verifier()({ ...request, headers: { ...request.headers, [header]: undefined } }),
        'signature.missing',
      );
    }
  });

  it('refuses timestamps outside ±300 s, and accepts them at the edge', async () => {
    const at = (offset: number) => ({ ...base, timestamp: String(Number(nowSeconds) + offset) });
    await rejects(verifier()(sign(at(301))), 'signature.expired');
    await rejects(verifier()(sign(at(-301))), 'signature.expired');
    await expect(verifier()(sign(at(300)))).resolves.toEqual({ keyId: 'key_1' });
    await expect(verifier()(sign(at(-300)))).resolves.toEqual({ keyId: 'key_1' });
  });

  it('answers an unknown key like a bad signature', async () => {
    await rejects(verifier()(sign(base, 'key_unknown')), 'signature.invalid');
  });

  it('does not burn the nonce of a request whose signature fails', async () => {
    const verify = verifier();
    const forged = sign(base);
    await rejects(
      verify({ ...forged, headers: { ...forged.headers, [signingHeaders.signature]: '0'.repeat(64) } }),
      'signature.invalid',
    );
    await expect(verify(sign(base))).resolves.toEqual({ keyId: 'key_1' });
  });

  it('refuses a change to any one signed component (property)', async () => {
    const tamper = fc.oneof(
      fc.constantFrom<(r: SignedRequest) => SignedRequest>(
        (r) => ({ ...r, method: 'PUT' }),
        (r) => ({ ...r, path: '/v1/liveness' }),
        (r) => ({ ...r, query: 'a=1&b=3' }),
        (r) => ({ ...r, query: '' }),
      ),
      fc
        .integer({ min: -299, max: 299 })
        .filter((d) => d !== 0)
        .map((d) => (r: SignedRequest) => ({
          ...r,
          headers: { ...r.headers, [signingHeaders.timestamp]: String(Number(nowSeconds) + d) },
        })),
      fc
        .stringMatching(/^[A-Za-z0-9_-]{16,64}$/)
        .filter((n) => n !== base.nonce)
        .map((n) => (r: SignedRequest) => ({ ...r, headers: { ...r.headers, [signingHeaders.nonce]: n } })),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([i, x]) => (r: SignedRequest) => {
        const body = Uint8Array.from(r.body);
        const at = i % body.length;
        body[at] = (body[at]! ^ x) & 0xff;
        return { ...r, body };
      }),
    );
    await fc.assert(
      fc.asyncProperty(tamper, async (change) => {
        await rejects(verifier()(change(sign(base))), 'signature.invalid');
      }),
      { numRuns: 200 },
    );
  });
});
