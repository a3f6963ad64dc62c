import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, Crypto } from '@visage/core';

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** core's Crypto port on node:crypto. */
export const nodeCrypto: Crypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256Hex: (secret, text) => createHmac('sha256', secret).update(text).digest('hex'),
  equalHex: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
  // 16 random bytes: ids are unguessable, not just unique.
  randomId: (prefix) => `${prefix}_${randomBytes(16).toString('base64url')}`,
  randomToken: (bytes) => {
    if (!Number.isInteger(bytes) || bytes < 1)
      throw new RangeError('randomToken needs a positive whole number of bytes');
    return randomBytes(bytes).toString('base64url');
  },
};
