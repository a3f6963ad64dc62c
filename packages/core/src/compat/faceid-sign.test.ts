import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain-error.js';
import type { NonceStore } from '../signing/signature-verifier.js';
import { buildFaceIdSign, createFaceIdAuth, faceIdNotifySign, parseFaceIdSign } from './faceid-sign.js';
import type { FaceIdHashes } from './faceid.ports.js';

const hashes: FaceIdHashes = {
  hmacSha1: (secret, text) => new Uint8Array(createHmac('sha1', secret).update(text).digest()),
  sha1Hex: (text) => createHash('sha1').update(text).digest('hex'),
  equalBytes: (a, b) => a.length === b.length && timingSafeEqual(a, b),
};

/** The published formula, written out independently: base64(HMAC-SHA1(secret, raw) + raw). */
function referenceSign(apiKey: string, apiSecret: string, b: number, c: number, d: string): string {
  const raw = `a=${apiKey}&b=${b}&c=${c}&d=${d}`;
  return Buffer.concat([createHmac('sha1', apiSecret).update(raw).digest(), Buffer.from(raw)]).toString('base64');
}

const keyId = 'key_abcDEF123-_x';
const secret = 'sk_live_secret-value';
const now = 1_780_000_000;

function memoryNonces(): NonceStore & { size(): number } {
  const seen = new Map<string, Date>();
  return {
    async remember(key, nonce, expiresAt) {
      const id = `${key} ${nonce}`;
      if (seen.has(id)) return false;
      seen.set(id, expiresAt);
      return true;
    },
    size: () => seen.size,
  };
}

function auth(nonces = memoryNonces(), maxSignSeconds?: number) {
  return createFaceIdAuth({
    secrets: { secretOf: async (id) => (id === keyId ? secret : undefined) },
    nonces,
    clock: { now: () => new Date(now * 1000) },
    hashes,
    ...(maxSignSeconds === undefined ? {} : { maxSignSeconds }),
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

describe('FaceID sign', () => {
  it('builds the published formula and parses it back', () => {
    const sign = buildFaceIdSign(hashes, {
      apiKey: keyId,
      apiSecret: secret,
      expireTime: now + 100,
      currentTime: now,
      random: '0799687066',
    });
    expect(sign).toBe(referenceSign(keyId, secret, now + 100, now, '0799687066'));
    const parsed = parseFaceIdSign(sign);
    expect(parsed).toMatchObject({ apiKey: keyId, expireTime: now + 100, currentTime: now, random: '0799687066' });
    expect(Buffer.from(parsed.digest)).toEqual(createHmac('sha1', secret).update(parsed.raw).digest());
  });

  it('refuses what is not a sign', () => {
    for (const bad of ['', 'not base64!', 'AAAA', Buffer.from('x'.repeat(20) + 'a=k&b=1').toString('base64')]) {
      expect(() => parseFaceIdSign(bad)).toThrow(DomainError);
    }
    // urlsafe base64 is not the standard alphabet FaceID specifies.
    const urlsafe = referenceSign(keyId, secret, 0, now, '1').replace(/\+/g, '-').replace(/\//g, '_');
    if (urlsafe !== referenceSign(keyId, secret, 0, now, '1')) expect(() => parseFaceIdSign(urlsafe)).toThrow();
  });

  it('accepts a reusable sign until expire_time, any number of times', async () => {
    const a = auth();
    const sign = referenceSign(keyId, secret, now + 100, now - 50, '42');
    expect(await a.bySign(sign, 'hmac_sha1')).toEqual({ keyId });
    expect(await a.bySign(sign, undefined)).toEqual({ keyId });
    expect(await codeOf(a.bySign(referenceSign(keyId, secret, now - 1, now - 50, '42'), 'hmac_sha1'))).toBe(
      'signature.expired',
    );
  });

  it('refuses a reusable sign that would live longer than the maximum (30 days by default)', async () => {
    const a = auth();
    const longest = referenceSign(keyId, secret, now - 10 + 30 * 86_400, now - 10, '7');
    expect(await codeOf(a.bySign(longest, 'hmac_sha1'))).toBe('accepted');
    const tooLong = referenceSign(keyId, secret, now - 10 + 30 * 86_400 + 1, now - 10, '7');
    await expect(a.bySign(tooLong, 'hmac_sha1')).rejects.toMatchObject({
      code: 'signature.invalid',
      details: { max_seconds: 30 * 86_400 },
    });
    // A century-long sign, as a client might pick to never re-sign.
    expect(await codeOf(a.bySign(referenceSign(keyId, secret, now + 3_153_600_000, now, '8'), 'hmac_sha1'))).toBe(
      'signature.invalid',
    );
    const hour = auth(memoryNonces(), 3600);
    expect(await codeOf(hour.bySign(referenceSign(keyId, secret, now + 3600, now, '9'), 'hmac_sha1'))).toBe('accepted');
    expect(await codeOf(hour.bySign(referenceSign(keyId, secret, now + 3601, now, '9'), 'hmac_sha1'))).toBe(
      'signature.invalid',
    );
  });

  it('accepts a one-time sign (expire_time 0) once, within the window', async () => {
    const nonces = memoryNonces();
    const a = auth(nonces);
    const sign = referenceSign(keyId, secret, 0, now - 10, '1234567890');
    expect(await codeOf(a.bySign(sign, 'hmac_sha1'))).toBe('accepted');
    expect(await codeOf(a.bySign(sign, 'hmac_sha1'))).toBe('signature.replayed');
    expect(await codeOf(a.bySign(referenceSign(keyId, secret, 0, now - 301, '1'), 'hmac_sha1'))).toBe(
      'signature.expired',
    );
    expect(await codeOf(a.bySign(referenceSign(keyId, secret, 0, now + 301, '2'), 'hmac_sha1'))).toBe(
      'signature.expired',
    );
  });

  it('refuses a wrong secret, an unknown key, a tampered raw and a forged one-time sign without burning it', async () => {
    const nonces = memoryNonces();
    const a = auth(nonces);
    expect(await codeOf(a.bySign(referenceSign(keyId, 'other', 0, now, '9'), 'hmac_sha1'))).toBe('signature.invalid');
    expect(await codeOf(a.bySign(referenceSign('key_unknown', secret, 0, now, '9'), 'hmac_sha1'))).toBe(
      'signature.invalid',
    );
    // The digest of one raw with another raw behind it (a longer validity claimed).
    const real = Buffer.from(referenceSign(keyId, secret, now + 10, now, '9'), 'base64');
    const tampered = Buffer.concat([real.subarray(0, 20), Buffer.from(`a=${keyId}&b=${now + 99999}&c=${now}&d=9`)]);
    expect(await codeOf(a.bySign(tampered.toString('base64'), 'hmac_sha1'))).toBe('signature.invalid');
    expect(nonces.size()).toBe(0);
    expect(await codeOf(a.bySign(referenceSign(keyId, secret, 0, now, '9'), 'hmac_sha1'))).toBe('accepted');
    expect(await codeOf(a.bySign(referenceSign(keyId, secret, now + 10, now, '9'), 'md5'))).toBe('signature.invalid');
    expect(await codeOf(a.bySign(referenceSign(keyId, secret, now - 10, now, '9'), 'hmac_sha1'))).toBe(
      'signature.invalid',
    );
  });

  it('checks an api_key / api_secret pair', async () => {
    const a = auth();
    expect(await a.bySecret(keyId, secret)).toEqual({ keyId });
    expect(await codeOf(a.bySecret(keyId, `${secret}x`))).toBe('signature.invalid');
    expect(await codeOf(a.bySecret(keyId, secret.slice(0, -1)))).toBe('signature.invalid');
    expect(await codeOf(a.bySecret('key_unknown', secret))).toBe('signature.invalid');
  });

  it('signs notify data as sha1(api_secret + data), lower-case hex', () => {
    const data = '{"status":"OK"}';
    expect(faceIdNotifySign(hashes, secret, data)).toBe(
      createHash('sha1')
        .update(secret + data)
        .digest('hex'),
    );
    expect(faceIdNotifySign(hashes, secret, data)).toMatch(/^[0-9a-f]{40}$/);
  });
});
