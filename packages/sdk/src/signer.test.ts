import { createHash, createHmac } from 'node:crypto';
import { canonicalRequest } from '@visage/contracts';
import { describe, expect, it } from 'vitest';
import { signRequest } from './signer.js';

const key = { keyId: 'key_abc', secret: 'sk_live_ünïcode-secret' };

/** The server's check, written out with node:crypto (packages/core signature-verifier, docs/api/signing.md). */
function expected(
  parts: { method: string; path: string; query: string; timestamp: string; nonce: string },
  body: Buffer,
) {
  const canonical = canonicalRequest({ ...parts, bodySha256Hex: createHash('sha256').update(body).digest('hex') });
  return createHmac('sha256', key.secret).update(canonical).digest('hex');
}

describe('signRequest (WebCrypto)', () => {
  it('gives the HMAC the server computes, byte for byte, for a body, a query and a non-ASCII secret', async () => {
    const body = JSON.stringify({ image1: 'AAAA', note: '名字' });
    const headers = await signRequest(
      key,
      { method: 'post', path: '/v1/compare', query: 'b=2&a=1&a=0', body },
      { timestamp: 1_800_000_000, nonce: 'nonce-0123456789abcdef' },
    );
    expect(headers).toEqual({
      'x-visage-key': 'key_abc',
      'x-visage-timestamp': '1800000000',
      'x-visage-nonce': 'nonce-0123456789abcdef',
      'x-visage-signature': expected(
        {
          method: 'POST',
          path: '/v1/compare',
          query: 'b=2&a=1&a=0',
          timestamp: '1800000000',
          nonce: 'nonce-0123456789abcdef',
        },
        Buffer.from(body, 'utf8'),
      ),
    });
  });

  it('reproduces the worked example of docs/api/signing.md', async () => {
    const headers = await signRequest(
      { keyId: 'key_example', secret: 'sk_test_example_secret' },
      {
        method: 'POST',
        path: '/v1/compare',
        query: 'lang=en&a=1',
        body: '{"image1":"<base64>","image2":"<base64>"}',
      },
      { timestamp: 1796029200, nonce: '4f1c2a9e8b7d6c5e' },
    );
    expect(headers['x-visage-signature']).toBe('2a25f281dc7a7809527808a0a3e1ab6e6585b944ff7a039c18a5a23065e463f6');
  });

  it('signs bytes as given and an absent body as the empty string', async () => {
    const bytes = new Uint8Array([0, 255, 1, 254]);
    const fixed = { timestamp: 1, nonce: 'n'.repeat(16) };
    const withBytes = await signRequest(key, { method: 'POST', path: '/p', body: bytes }, fixed);
    const empty = await signRequest(key, { method: 'GET', path: '/v1/capture-sessions/cap_1' }, fixed);
    expect(withBytes['x-visage-signature']).toBe(
      expected({ method: 'POST', path: '/p', query: '', timestamp: '1', nonce: fixed.nonce }, Buffer.from(bytes)),
    );
    expect(empty['x-visage-signature']).toBe(
      expected(
        { method: 'GET', path: '/v1/capture-sessions/cap_1', query: '', timestamp: '1', nonce: fixed.nonce },
        Buffer.alloc(0),
      ),
    );
  });

  it('makes a new URL-safe nonce and the current time when not told', async () => {
    const a = await signRequest(key, { method: 'GET', path: '/x' });
    const b = await signRequest(key, { method: 'GET', path: '/x' });
    expect(a['x-visage-nonce']).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a['x-visage-nonce']).not.toBe(b['x-visage-nonce']);
    expect(Math.abs(Number(a['x-visage-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
  });
});
