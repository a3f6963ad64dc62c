import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, Crypto } from '@visage/core';

export const systemClock: Clock = { now: () => new Date() };

export const nodeCrypto: Crypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256Hex: (secret, text) => createHmac('sha256', secret).update(text).digest('hex'),
  equalHex: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')),
  // 16 random bytes: ids are unguessable, not just unique.
  randomId: (prefix) => `${prefix}_${randomBytes(16).toString('base64url')}`,
};
