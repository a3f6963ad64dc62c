import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nodeCrypto, systemClock } from './node-crypto.js';

describe('nodeCrypto', () => {
  it('hashes and signs like the published test vectors', () => {
    expect(nodeCrypto.sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(nodeCrypto.hmacSha256Hex('key', 'The quick brown fox jumps over the lazy dog')).toBe(
      'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
    expect(nodeCrypto.hmacSha256Hex('k', 'x')).toBe(createHmac('sha256', 'k').update('x').digest('hex'));
  });

  it('compares hex strings, refusing different lengths', () => {
    expect(nodeCrypto.equalHex('ab12', 'ab12')).toBe(true);
    expect(nodeCrypto.equalHex('ab12', 'ab13')).toBe(false);
    expect(nodeCrypto.equalHex('ab12', 'ab1')).toBe(false);
  });

  it('makes prefixed random ids', () => {
    const a = nodeCrypto.randomId('org');
    expect(a).toMatch(/^org_[A-Za-z0-9_-]{22}$/);
    expect(nodeCrypto.randomId('org')).not.toBe(a);
  });

  it('makes base64url tokens of the requested number of bytes', () => {
    const token = nodeCrypto.randomToken(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(nodeCrypto.randomToken(32)).not.toBe(token);
    expect(() => nodeCrypto.randomToken(0)).toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('tells the current time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
