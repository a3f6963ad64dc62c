import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Crypto } from '../ports.js';

/** Real crypto for core's tests (core itself never imports node:crypto). */
export const testCrypto: Crypto = {
  sha256Hex: (data) => createHash('sha256').update(data).digest('hex'),
  hmacSha256Hex: (secret, text) => createHmac('sha256', secret).update(text).digest('hex'),
  equalHex: (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b)),
  randomId: (prefix) => `${prefix}_${randomBytes(12).toString('base64url')}`,
  randomToken: (bytes) => randomBytes(bytes).toString('base64url'),
};
